// name: change_records
// zh: 一次变更的记录 · en: A change set and the updates and deletions it recorded
// params: $changeset (its key)
// row: at, created_labels, changes — the change set's time, the labels and
//      types it created entities of, and its :Change records as maps; no row
//      when no change set has the key
MATCH (changeset:ChangeSet {changeset: $changeset})
OPTIONAL MATCH (change:Change {changeset: $changeset})
WITH changeset, collect(change {.*}) AS changes
RETURN changeset.at AS at, coalesce(changeset.created_labels, []) AS created_labels, changes
