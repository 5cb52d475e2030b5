// name: unmatched_need
// audit: G13 · severity: high
// zh: 需求无可匹配资源 · en: Open need with no candidate resource
// note: high — a resident's open need nobody can take today: it has to be
//      escalated (街呼县应) or capacity found.
// params: $as_of (date: the day judged; null = today), $community_id (optional: one
//      community only), $street_id (optional: one street only)
// row: node_id, name, kind (need), community_id (of the place it was
//      RAISED_IN), detail — one open need with no candidate (DESIGN.md,
//      "Matching"): no resource covers it in a matching category, or every one
//      that does has no remaining capacity. Ancestry: the place the need was
//      RAISED_IN, then its PART_OF parents up to and including the first
//      county. Covers: a :Service that COVERS a place of the ancestry (a
//      service listing no COVERS covers its provider's own place: BASED_IN, or
//      LEADS for a party organization), or a :Project that SERVES one while it
//      is active or has no status (planned and completed projects take no
//      needs). Category match: the resource is IN_CATEGORY the
//      need's category or a BROADER ancestor of it. Remaining: capacity minus
//      the needs ASSIGNED_TO it with status assigned; a candidate has
//      remaining > 0. As of $as_of: only needs raised by then, and only
//      resources whose provider (or running unit) exists then. Detail: "nothing covers it in its category" or "every
//      covering resource is full: SV01 3/3, PJ02 1/1" (assigned/capacity, by id)
// The ancestry stops at the county: only a city lies above one.
MATCH (need:Need)
WHERE need.status = 'open' AND need.raised_on <= $as_of
OPTIONAL MATCH (need)-[:RAISED_IN]->(place:Place)
OPTIONAL MATCH (need)-[:IN_CATEGORY]->(category:Category)
WITH need, category, [(place)-[:PART_OF*0..6]->(ancestor:Place)
      WHERE ancestor = place OR NOT ancestor:City | ancestor] AS ancestry
WHERE ($community_id IS NULL OR any(a IN ancestry WHERE a:Community AND a.id = $community_id))
  AND ($street_id IS NULL OR any(a IN ancestry WHERE a:Street AND a.id = $street_id))
// What covers a place is looked up once per place, not once per need: the
// needs are grouped by the places of their ancestries first.
WITH need, [(category)-[:BROADER*0..6]->(broader:Category) | broader.id] AS categories,
     ancestry
UNWIND CASE ancestry WHEN [] THEN [null] ELSE ancestry END AS covered
WITH covered, collect([need, categories]) AS waiting
WITH covered, waiting, COLLECT {
  CALL (covered) {
    MATCH (covered)<-[:COVERS|SERVES]-(resource)
    WHERE (resource:Service OR (resource:Project AND coalesce(resource.status, 'active') = 'active'))
      AND NOT EXISTS { MATCH (resource)<-[:OFFERS|RUNS]-(provider) WHERE NOT (
        // include: alive_on(node=provider)
      ) }
    RETURN resource
    UNION
    MATCH (covered)<-[:BASED_IN|LEADS]-(provider)-[:OFFERS]->(resource:Service)
    WHERE NOT EXISTS { (resource)-[:COVERS]->() }
      AND
      // include: alive_on(node=provider)
    RETURN resource
  }
  // Statuses are read from the resource's own needs: a Need(status) index
  // seek would scan every assigned need for each resource.
  WITH resource,
       size([status IN [(resource)<-[:ASSIGNED_TO]-(assigned) | assigned.status]
             WHERE status = 'assigned']) AS assigned
  WHERE resource.capacity > assigned
  MATCH (resource)-[:IN_CATEGORY]->(offered:Category)
  RETURN DISTINCT offered.id AS offered
} AS available
UNWIND waiting AS item
WITH item[0] AS need, any(category IN item[1] WHERE category IN available) AS matched
WITH need, any(matched IN collect(matched) WHERE matched) AS has_candidate
WHERE NOT has_candidate
// Only the needs without a candidate from here on: which resources cover them,
// all full.
OPTIONAL MATCH (need)-[:RAISED_IN]->(place:Place)
OPTIONAL MATCH (need)-[:IN_CATEGORY]->(category:Category)
WITH need,
     [(category)-[:BROADER*0..6]->(broader:Category) | broader] AS categories,
     [(place)-[:PART_OF*0..6]->(ancestor:Place)
      WHERE ancestor = place OR NOT ancestor:City | ancestor] AS ancestry
WITH need, [ancestor IN ancestry WHERE ancestor:Community | ancestor.id][0] AS community_id,
     COLLECT {
       UNWIND ancestry AS covered
       CALL (covered) {
         MATCH (covered)<-[:COVERS|SERVES]-(resource)
         WHERE (resource:Service OR (resource:Project AND coalesce(resource.status, 'active') = 'active'))
           AND NOT EXISTS { MATCH (resource)<-[:OFFERS|RUNS]-(provider) WHERE NOT (
             // include: alive_on(node=provider)
           ) }
         RETURN resource
         UNION
         MATCH (covered)<-[:BASED_IN|LEADS]-(provider)-[:OFFERS]->(resource:Service)
         WHERE NOT EXISTS { (resource)-[:COVERS]->() }
           AND
           // include: alive_on(node=provider)
         RETURN resource
       }
       MATCH (resource)-[:IN_CATEGORY]->(offered:Category)
       WHERE offered IN categories
       WITH DISTINCT resource
       ORDER BY resource.id
       RETURN resource.id + ' '
         + toString(size([status IN [(resource)<-[:ASSIGNED_TO]-(assigned) | assigned.status]
                          WHERE status = 'assigned']))
         + '/' + toString(resource.capacity) AS load
     } AS full
RETURN need.id AS node_id, need.name AS name, 'need' AS kind, community_id,
       CASE
         WHEN size(full) = 0 THEN 'nothing covers it in its category'
         ELSE 'every covering resource is full: '
           + reduce(text = head(full), item IN tail(full) | text + ', ' + item)
       END AS detail
ORDER BY node_id
