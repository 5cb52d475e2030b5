// name: api_scope_counts
// zh: 授权范围内的节点数 · en: Nodes by label within a street or community
// params: $scope_id (the street or community)
// row: label, count — how many nodes in the scope carry each label (the
//      scope rule of fragments/in_scope: the places of the subtree and what is anchored
//      on them, with the services and projects that serve it from above;
//      categories, a shared taxonomy, are not counted)
MATCH (scope:Place {id: $scope_id})
CALL (scope) {
  MATCH (place:Place)-[:PART_OF*0..6]->(scope)
  CALL (place) {
    RETURN place AS node
    UNION
    MATCH (node)-[:HOLDS|EMPLOYED_BY|RAISED_IN|LOCATED_IN|COVERS|SERVES|LEADS|BASED_IN]->(place)
    RETURN node
    UNION
    MATCH (node:Person)-[:HOLDS|EMPLOYED_BY]->()-[:LEADS|BASED_IN]->(place)
    RETURN node
    UNION
    MATCH (node:Service)<-[:OFFERS]-()-[:BASED_IN|LEADS]->(place)
    WHERE NOT EXISTS { (node)-[:COVERS]->() }
    RETURN node
  }
  RETURN node
  UNION
  MATCH (scope)-[:PART_OF*1..6]->(above:Place)
  CALL (above) {
    MATCH (node)-[:COVERS|SERVES]->(above)
    WHERE node:Service OR node:Project
    RETURN node
    UNION
    MATCH (node:Service)<-[:OFFERS]-()-[:BASED_IN|LEADS]->(above)
    WHERE NOT EXISTS { (node)-[:COVERS]->() }
    RETURN node
  }
  RETURN node
}
WITH DISTINCT node
UNWIND labels(node) AS label
RETURN label, count(*) AS count
ORDER BY label
