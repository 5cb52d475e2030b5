// name: change_of_created
// zh: 新建后被改动的 · en: The later changes to what a change set created
// params: $marker (the JSON text `"_created_in":"<key>"` its records' before holds)
// row: changeset, kind, label, entity, other, key — one :Change whose before
//      says the entity was created by that change set
// note: a scan of the records, as only a revert asks it
MATCH (change:Change)
WHERE change.before CONTAINS $marker
RETURN change.changeset AS changeset, change.kind AS kind, change.label AS label,
       change.entity AS entity, change.other AS other, change.key AS key
