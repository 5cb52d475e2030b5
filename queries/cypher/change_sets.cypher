// name: change_sets
// zh: 变更记录 · en: The change sets, newest first
// params: $since, $until (datetimes bounding when they were made; null: no
//      bound), $actor (an actor id or name; null: anyone), $changesets (the
//      keys to keep; null: all), $limit (how many at most)
// row: changeset, at, actor, actor_name, via, created, updated, deleted —
//      one :ChangeSet
MATCH (changeset:ChangeSet)
WHERE ($since IS NULL OR changeset.at >= $since)
  AND ($until IS NULL OR changeset.at < $until)
  AND ($actor IS NULL OR changeset.actor = $actor OR changeset.actor_name = $actor)
  AND ($changesets IS NULL OR changeset.changeset IN $changesets)
RETURN changeset.changeset AS changeset, changeset.at AS at,
       changeset.actor AS actor, changeset.actor_name AS actor_name,
       changeset.via AS via, coalesce(changeset.created, 0) AS created,
       coalesce(changeset.updated, 0) AS updated,
       coalesce(changeset.deleted, 0) AS deleted
ORDER BY at DESC, changeset DESC
LIMIT $limit
