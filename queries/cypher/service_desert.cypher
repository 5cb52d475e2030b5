// name: service_desert
// audit: G12 · severity: high
// zh: 服务空白（社区×类别无人覆盖） · en: Service desert: a need category nobody covers in a community
// note: high — residents ask for something no service or project offers
//      there at all; only a new resource (or a wider coverage) fixes it.
// params: $as_of (date: the day judged; null = today), $community_id (optional: one
//      community only), $street_id (optional: one street only)
// row: node_id, name, kind (community; or the place a need was raised in when
//      it lies above every community), community_id, detail — one (community,
//      category) pair with open needs of that category raised in the
//      community (or below it) that no resource covers in a matching category,
//      capacity aside, judged on $as_of: needs raised by then, resources whose
//      provider (or running unit) exists then (covers and category match as in
//      unmatched_need, G13:
//      a :Service that COVERS a place of the need's ancestry, or listing no
//      COVERS whose provider is BASED_IN or LEADS one, or an active (or
//      status-less) :Project that SERVES one; IN_CATEGORY the need's category or a BROADER ancestor of
//      it). A pair is reported when at least one of its open needs is
//      uncovered; the detail names the category and those needs, five at most
//      ("cat_x 中文 / English: 2 open needs nothing covers: N01, N02")
// The ancestry stops at the county: only a city lies above one.
MATCH (need:Need)
WHERE need.status = 'open' AND need.raised_on <= $as_of
MATCH (need)-[:RAISED_IN]->(place:Place)
MATCH (need)-[:IN_CATEGORY]->(category:Category)
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
WITH waiting, COLLECT {
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
  RETURN DISTINCT offered.id AS offered
} AS offered
UNWIND waiting AS item
WITH item[0] AS need, any(category IN item[1] WHERE category IN offered) AS covers
WITH need, any(covers IN collect(covers) WHERE covers) AS covered
WHERE NOT covered
// Only the uncovered needs from here on.
MATCH (need)-[:RAISED_IN]->(place:Place)
MATCH (need)-[:IN_CATEGORY]->(category:Category)
WITH need, category, place,
     [(place)-[:PART_OF*0..6]->(community:Community) | community][0] AS community
WITH coalesce(community, place) AS home, community, category, need
ORDER BY need.id
WITH home, community, category, collect(need.id) AS needs
RETURN home.id AS node_id, home.name AS name, home.kind AS kind, community.id AS community_id,
       category.id + ' ' + coalesce(category.name_zh, category.name) + ' / '
         + coalesce(category.name_en, category.name) + ': ' + toString(size(needs))
         + CASE size(needs) WHEN 1 THEN ' open need' ELSE ' open needs' END
         + ' nothing covers: '
         + reduce(text = head(needs), id IN tail(needs)[..4] | text + ', ' + id)
         + CASE WHEN size(needs) > 5 THEN ', …' ELSE '' END AS detail
ORDER BY node_id, detail
