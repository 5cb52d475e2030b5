// name: single_point_of_failure
// audit: G19 · severity: medium
// zh: 一人多岗无替补 · en: Single point of failure: one person alone in a post at many places
// note: medium — if this one person leaves, that many places lose the post
//      at once; nothing is missing today.
// params: $as_of (date: the day judged; null = today), $min_places (targets
//      needed; null = 3), $community_id (optional:
//      people with such a target in this community), $street_id (optional:
//      people with such a target in this street)
// row: node_id, name, kind (person), community_id (the community all those
//      targets lie in; null when they span several or lie above a community),
//      detail — one (person, post) where the person HOLDS the post at
//      $min_places or more targets at each of which nobody else HOLDS that
//      same post; counted per post (a person sole grid head at two grids and
//      sole building head at one is no finding at 3), only the targets where
//      they are the sole holder count, and a person alone in two posts gives
//      two findings ("sole grid_head at 3 targets: G01, G02, G03"); only posts
//      held on $as_of at targets existing then count
WITH coalesce($min_places, 3) AS min_places
MATCH (person:Person)
WHERE COUNT { (person)-[:HOLDS]->() } >= min_places
MATCH (person)-[held:HOLDS]->(target)
WHERE
  // include: held_on(post=held)
  AND
  // include: alive_on(node=target)
WITH min_places, person, held.post AS post, target
// Holders are read from the target's own relationships (one of them is
// this person's): a HOLDS(post) index seek would scan every holder of the post.
WHERE size([held_there IN [(target)<-[again:HOLDS]-(:Person) WHERE
              // include: held_on(post=again)
              | again.post]
            WHERE held_there = post]) = 1
WITH min_places, person, post, target
ORDER BY target.id
WITH min_places, person, post, collect(target) AS targets
WHERE size(targets) >= min_places
WITH person, post, targets,
     [target IN targets |
       CASE WHEN target:Place THEN target
            ELSE [(target)-[:LEADS|BASED_IN]->(place:Place) | place][0] END] AS places
WITH person, post, targets,
     [place IN places | [(place)-[:PART_OF*0..6]->(community:Community) | community.id][0]]
       AS communities,
     [place IN places | [(place)-[:PART_OF*0..6]->(street:Street) | street.id][0]] AS streets
WHERE ($community_id IS NULL OR $community_id IN communities)
  AND ($street_id IS NULL OR $street_id IN streets)
WITH person, post, communities, [target IN targets | target.id] AS ids
RETURN person.id AS node_id, person.name AS name, 'person' AS kind,
       CASE
         WHEN all(community IN communities WHERE community = communities[0])
         THEN communities[0]
       END AS community_id,
       'sole ' + post + ' at ' + toString(size(ids)) + ' targets: '
         + reduce(text = head(ids), id IN tail(ids) | text + ', ' + id) AS detail
ORDER BY node_id, detail
