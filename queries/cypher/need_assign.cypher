// name: need_assign
// zh: 派单到资源 · en: Assign one need to one resource, if it has room left
// params: $need_id (the need), $resource_id (the :Service or :Project)
// row: id, assigned, remaining — the need; assigned is true when it is now
//      ASSIGNED_TO the resource (any previous assignment removed, status
//      assigned, resolution cleared), false when the resource had no room
//      left; remaining is the resource's room before this write, not
//      counting this need. No row when the need or the resource does not exist.
// note: the resource is write-locked before its load is counted, as in
//      match_assign_apply, so two concurrent assignments cannot both take its
//      last place.
MATCH (need:Need {id: $need_id})
CALL () {
  MATCH (resource:Service {id: $resource_id})
  RETURN resource
  UNION
  MATCH (resource:Project {id: $resource_id})
  RETURN resource
}
// Setting and removing a property takes the node's write lock until commit.
SET resource.assignment_lock = true
REMOVE resource.assignment_lock
WITH need, resource,
     coalesce(resource.capacity, 0)
       - COUNT { (resource)<-[:ASSIGNED_TO]-(taken:Need {status: 'assigned'})
                 WHERE taken <> need } AS remaining
WITH need, resource, remaining, remaining > 0 AS room
OPTIONAL MATCH (need)-[previous:ASSIGNED_TO]->()
  WHERE room
DELETE previous
WITH DISTINCT need, resource, remaining, room
FOREACH (_ IN CASE WHEN room THEN [1] ELSE [] END |
  MERGE (need)-[:ASSIGNED_TO]->(resource)
  SET need.status = 'assigned', need.resolved_on = null, need.satisfaction = null
)
RETURN need.id AS id, room AS assigned, remaining
