// fragment: node_by_id
// args: {{id}} (the id: a parameter or a variable)
// note: the arms of a CALL subquery that binds `node` to the node with that
//      id, whatever its label: one lookup in the uniqueness constraint of each
//      label that carries ids of its own (the family labels Place and
//      Organization stand for their members)
MATCH (node:Place {id: {{id}}}) RETURN node
UNION
MATCH (node:PartyOrg {id: {{id}}}) RETURN node
UNION
MATCH (node:Organization {id: {{id}}}) RETURN node
UNION
MATCH (node:Person {id: {{id}}}) RETURN node
UNION
MATCH (node:Facility {id: {{id}}}) RETURN node
UNION
MATCH (node:Category {id: {{id}}}) RETURN node
UNION
MATCH (node:Service {id: {{id}}}) RETURN node
UNION
MATCH (node:Project {id: {{id}}}) RETURN node
UNION
MATCH (node:Need {id: {{id}}}) RETURN node
