// name: change_history
// zh: 节点的变更记录 · en: The recorded updates and deletions of one node and its relationships
// params: $node_id (the node's id)
// row: kind, label, entity, other, key, op, before, after, changeset, at,
//      actor, actor_name, via — one :Change of the node (entity) or of a
//      relationship at either end, with its change set; oldest first
CALL () {
  MATCH (change:Change {entity: $node_id})
  RETURN change
  UNION
  MATCH (change:Change {other: $node_id})
  RETURN change
}
MATCH (changeset:ChangeSet {changeset: change.changeset})
RETURN change.kind AS kind, change.label AS label, change.entity AS entity,
       change.other AS other, change.key AS key, change.op AS op,
       change.before AS before, change.after AS after,
       changeset.changeset AS changeset, changeset.at AS at,
       changeset.actor AS actor, changeset.actor_name AS actor_name,
       changeset.via AS via
ORDER BY at, changeset
