// name: broken_chain
// audit: G15 · severity: high
// zh: 党组织隶属关系断链 · en: Broken link in the party organization chain
// note: high — the five-level chain (县委—街道党工委—社区党委—小区党支部—楼栋党小组)
//      is the escalation route; a missing or misplaced link sends calls nowhere
//      or to the wrong organization.
// params: $as_of (date: the day judged; null = today), $level_parent (map: each
//      level to the level it REPORTS_TO, null for the top;
//      graph.schema.LEVEL_PARENT), $community_id (optional: one
//      community only), $street_id (optional: one street only)
// row: node_id, name, kind (the org's level), community_id (of the place it
//      LEADS; null above the community), detail — one party organization below
//      the county (a level with a parent level), existing on $as_of, that
//      REPORTS_TO no party organization existing then ("no parent"), or to one not one level up ("parent PS01 is
//      a street_working_committee, not a community_committee"), or whose place
//      does not lie within the place its parent LEADS ("place B01 is outside
//      the parent's place A01"); several problems are joined with "; "
MATCH (org:PartyOrg)
WHERE
  // include: alive_on(node=org)
WITH org, $level_parent[org.level] AS parent_level
WHERE parent_level IS NOT NULL
OPTIONAL MATCH (org)-[:LEADS]->(place:Place)
OPTIONAL MATCH (org)-[:REPORTS_TO]->(parent:PartyOrg)
  WHERE
    // include: alive_on(node=parent)
OPTIONAL MATCH (parent)-[:LEADS]->(parent_place:Place)
WITH org, parent_level, place, parent, parent_place,
     CASE
       WHEN place IS NULL OR parent_place IS NULL THEN false
       ELSE NOT EXISTS { (place)-[:PART_OF*0..6]->(parent_place) }
     END AS outside
WITH org, place,
     CASE
       WHEN parent IS NULL THEN ['no parent']
       ELSE [problem IN [
               CASE WHEN parent.level <> parent_level
                 THEN 'parent ' + parent.id + ' is a ' + parent.level + ', not a ' + parent_level
               END,
               CASE WHEN outside
                 THEN 'place ' + place.id + ' is outside the parent\'s place ' + parent_place.id
               END] WHERE problem IS NOT NULL]
     END AS problems
WITH org, place, reduce(found = [], some IN collect(problems) | found + some) AS problems
WHERE size(problems) > 0
WITH org, problems,
     [(place)-[:PART_OF*0..6]->(community:Community) | community.id][0] AS community_id,
     [(place)-[:PART_OF*0..6]->(street:Street) | street.id][0] AS in_street
WHERE ($community_id IS NULL OR community_id = $community_id)
  AND ($street_id IS NULL OR in_street = $street_id)
RETURN org.id AS node_id, org.name AS name, org.level AS kind, community_id,
       reduce(text = head(problems), problem IN tail(problems) | text + '; ' + problem)
         AS detail
ORDER BY node_id
