// name: change_sets_touching
// zh: 涉及某地的变更 · en: The change sets that touched a place's subtree
// params: $place_id (a community, a street …)
// row: changesets — the keys of the change sets that created, updated or
//      deleted a node in the place's subtree (its places, and what lies in
//      them by the scope rule's relationships) or a relationship of one
// note: a node deleted from the subtree is no longer found in it; its
//      deletion is found through the relationships it had to nodes still there
MATCH (scope:Place {id: $place_id})
MATCH (place:Place)-[:PART_OF*0..6]->(scope)
OPTIONAL MATCH (place)<-[:HOLDS|EMPLOYED_BY|RAISED_IN|LOCATED_IN|COVERS|SERVES|LEADS|BASED_IN*1..2]-(member)
WITH collect(DISTINCT place) + collect(DISTINCT member) AS nodes
UNWIND nodes AS node
WITH DISTINCT node
CALL (node) {
  MATCH (change:Change {entity: node.id})
  RETURN change.changeset AS changeset
  UNION
  MATCH (change:Change {other: node.id})
  RETURN change.changeset AS changeset
  UNION
  RETURN node._created_in AS changeset
  UNION
  MATCH (node)-[r]-()
  RETURN r._created_in AS changeset
}
WITH changeset WHERE changeset IS NOT NULL
RETURN collect(DISTINCT changeset) AS changesets
