// name: change_later
// zh: 之后的变更 · en: The changes made to some entities after a given change set
// params: $entities (node ids and relationship starts), $at and $changeset
//      (the change set: later means after it in time, or at the same time
//      with a greater key)
// row: changeset, kind, label, entity, other, key — one later :Change of
//      one of the entities
UNWIND $entities AS wanted
MATCH (change:Change {entity: wanted})
WHERE change.at > $at OR (change.at = $at AND change.changeset > $changeset)
RETURN change.changeset AS changeset, change.kind AS kind, change.label AS label,
       change.entity AS entity, change.other AS other, change.key AS key
