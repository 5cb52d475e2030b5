// name: over_capacity
// audit: G18 · severity: medium
// zh: 资源超负荷 · en: Resource carrying more needs than its capacity
// note: medium — an overloaded service or project serves its residents late
//      or badly; reassigning some of its needs fixes it.
// params: $as_of (date: the day judged; null = today), $community_id
//      (optional: resources with a coverage place in this
//      community), $street_id (optional: resources with a coverage place in
//      this street)
// row: node_id, name, kind (service or project), community_id (the community
//      its coverage lies in; null when it covers several, or a place above a
//      community), detail — one :Service or :Project, whose provider (or
//      running unit) exists on $as_of, with more needs
//      ASSIGNED_TO it with status assigned than its capacity ("5 assigned,
//      capacity 3"). Coverage: a service's COVERS places (its provider's
//      BASED_IN or LEADS place when it lists none), a project's SERVES community
MATCH (resource:Service|Project)
WHERE NOT EXISTS { MATCH (resource)<-[:OFFERS|RUNS]-(provider) WHERE NOT (
  // include: alive_on(node=provider)
) }
// Statuses are read from the resource's own needs: a Need(status) index seek
// would scan every assigned need for each resource.
WITH resource,
     size([status IN [(resource)<-[:ASSIGNED_TO]-(need) | need.status]
           WHERE status = 'assigned']) AS assigned
WHERE assigned > resource.capacity
WITH resource, assigned, COLLECT {
  MATCH (resource)-[:COVERS|SERVES]->(place:Place)
  RETURN place
  UNION
  MATCH (resource)<-[:OFFERS]-(provider)-[:BASED_IN|LEADS]->(place:Place)
  WHERE NOT EXISTS { (resource)-[:COVERS]->() }
  RETURN place
} AS coverage
WITH resource, assigned, coverage,
     [place IN coverage | [(place)-[:PART_OF*0..6]->(community:Community) | community.id][0]]
       AS communities,
     [place IN coverage | [(place)-[:PART_OF*0..6]->(street:Street) | street.id][0]] AS streets
WHERE ($community_id IS NULL OR $community_id IN communities)
  AND ($street_id IS NULL OR $street_id IN streets)
RETURN resource.id AS node_id, resource.name AS name,
       CASE WHEN resource:Project THEN 'project' ELSE 'service' END AS kind,
       CASE
         WHEN size(communities) > 0
              AND all(community IN communities WHERE community = communities[0])
         THEN communities[0]
       END AS community_id,
       toString(assigned) + ' assigned, capacity ' + toString(resource.capacity) AS detail
ORDER BY node_id
