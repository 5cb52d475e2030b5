// name: view_node
// params: $node_id (a node's id: ids are unique across the whole graph)
// row: at most one: element_id (the database's own id of the node, for the
//      expansion queries), record (the node as a record of
//      visualize.model.from_records: its properties, phone left out, its
//      labels and, for services, projects and needs, its category's names)
// Every label that carries an id constraint of its own is looked up through
// it; the family labels Place and Organization stand for their members.
CALL () {
  MATCH (node:Place {id: $node_id}) RETURN node
  UNION
  MATCH (node:PartyOrg {id: $node_id}) RETURN node
  UNION
  MATCH (node:Organization {id: $node_id}) RETURN node
  UNION
  MATCH (node:Person {id: $node_id}) RETURN node
  UNION
  MATCH (node:Facility {id: $node_id}) RETURN node
  UNION
  MATCH (node:Category {id: $node_id}) RETURN node
  UNION
  MATCH (node:Service {id: $node_id}) RETURN node
  UNION
  MATCH (node:Project {id: $node_id}) RETURN node
  UNION
  MATCH (node:Need {id: $node_id}) RETURN node
}
RETURN elementId(node) AS element_id,
       node {.*, labels: labels(node), phone: null, title: null,
             category: [(node)-[:IN_CATEGORY]->(category:Category)
                        | trim(coalesce(category.name_zh, category.name) + ' '
                               + coalesce(category.name_en, ''))][0]} AS record
LIMIT 1
