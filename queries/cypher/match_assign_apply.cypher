// name: match_assign_apply
// zh: 批量派单 · en: Assign open needs to resources, within capacity
// params: $groups (list of {resource_id, need_ids}: one entry per resource,
//      sorted by resource_id; need_ids in the order they should be served
//      when capacity has shrunk since the plan was made)
// row: resource_id, remaining (before this write), assigned (need ids now
//      ASSIGNED_TO it), skipped (need ids left as they were: no longer open,
//      or no capacity left) — one resource of $groups that exists
// note: each resource is write-locked before its load is counted, so two
//      concurrent assignments cannot both take its last place; a need that
//      is no longer open is left alone, which makes a repeated run harmless.
UNWIND $groups AS group
CALL (group) {
  MATCH (resource:Service {id: group.resource_id})
  RETURN resource
  UNION
  MATCH (resource:Project {id: group.resource_id})
  RETURN resource
}
// Setting and removing a property takes the node's write lock until commit.
SET resource.assignment_lock = true
REMOVE resource.assignment_lock
WITH group, resource,
     coalesce(resource.capacity, 0)
       - COUNT { (resource)<-[:ASSIGNED_TO]-(taken:Need {status: 'assigned'}) } AS remaining
CALL (group, resource, remaining) {
  UNWIND range(0, size(group.need_ids) - 1) AS position
  MATCH (need:Need {id: group.need_ids[position]})
  WHERE need.status = 'open'
  WITH need ORDER BY position
  WITH collect(need) AS waiting
  WITH waiting[..CASE WHEN remaining > 0 THEN remaining ELSE 0 END] AS taken
  CALL (taken, resource) {
    UNWIND taken AS need
    OPTIONAL MATCH (need)-[previous:ASSIGNED_TO]->()
    DELETE previous
    WITH DISTINCT need
    MERGE (need)-[:ASSIGNED_TO]->(resource)
    SET need.status = 'assigned'
  }
  RETURN [need IN taken | need.id] AS assigned
}
RETURN resource.id AS resource_id, remaining, assigned,
       [need_id IN group.need_ids WHERE NOT need_id IN assigned] AS skipped
ORDER BY resource_id
