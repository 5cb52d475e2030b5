// name: api_id_taken
// zh: 编号是否已被占用 · en: Whether any node already has an id
// params: $node_id (the id)
// row: taken — true when a node of any label has that id (ids are unique
//      across the whole graph)
RETURN EXISTS { MATCH (:Place {id: $node_id}) }
    OR EXISTS { MATCH (:PartyOrg {id: $node_id}) }
    OR EXISTS { MATCH (:Organization {id: $node_id}) }
    OR EXISTS { MATCH (:Person {id: $node_id}) }
    OR EXISTS { MATCH (:Facility {id: $node_id}) }
    OR EXISTS { MATCH (:Category {id: $node_id}) }
    OR EXISTS { MATCH (:Service {id: $node_id}) }
    OR EXISTS { MATCH (:Project {id: $node_id}) }
    OR EXISTS { MATCH (:Need {id: $node_id}) } AS taken
