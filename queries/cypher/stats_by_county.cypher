// name: stats_by_county
// params: $as_of (date: the day counted; null = today)
// row: county_id, county_name, group, key, count — how many things of one kind
//      a county holds on $as_of (places, party organizations and organizations
//      existing then, posts held then): group is place, tag, party_org_level, organization_kind,
//      post, facility_kind, need_kind, need_status, satisfaction,
//      two_new_with_fallback, community_with_post, project_status,
//      resolved_by_provider (key "need kind/provider kind")
MATCH (county:County)
CALL (county) {
  MATCH (place:Place)-[:PART_OF*0..6]->(county)
  WHERE
    // include: alive_on(node=place)
  RETURN 'place' AS group, place.kind AS key, count(*) AS count
  UNION ALL
  MATCH (area:ResidentialArea)-[:PART_OF*2..3]->(county)
  WHERE
    // include: alive_on(node=area)
  UNWIND coalesce(area.tags, []) AS tag
  RETURN 'tag' AS group, tag AS key, count(*) AS count
  UNION ALL
  MATCH (org:PartyOrg)-[:LEADS]->(:Place)-[:PART_OF*0..6]->(county)
  WHERE
    // include: alive_on(node=org)
  RETURN 'party_org_level' AS group, org.level AS key, count(*) AS count
  UNION ALL
  MATCH (org:Organization)-[:BASED_IN]->(:Place)-[:PART_OF*0..6]->(county)
  WHERE
    // include: alive_on(node=org)
  RETURN 'organization_kind' AS group, org.kind AS key, count(*) AS count
  UNION ALL
  MATCH (org:TwoNewOrg)-[:BASED_IN]->(:Place)-[:PART_OF*0..6]->(county)
  WHERE
    // include: alive_on(node=org)
    AND EXISTS { MATCH (fallback:PartyOrg)-[:FALLBACK_FOR]->(org) WHERE
      // include: alive_on(node=fallback)
    }
  RETURN 'two_new_with_fallback' AS group, 'two_new_org' AS key, count(*) AS count
  UNION ALL
  MATCH (place:Place)-[:PART_OF*0..6]->(county)
  MATCH (:Person)-[held:HOLDS]->(place)
  WHERE
    // include: alive_on(node=place)
    AND
    // include: held_on(post=held)
  RETURN 'post' AS group, held.post AS key, count(*) AS count
  UNION ALL
  MATCH (place:Place)-[:PART_OF*0..6]->(county)
  MATCH (place)<-[:LEADS|BASED_IN]-(org)<-[held:HOLDS]-(:Person)
  WHERE
    // include: alive_on(node=org)
    AND
    // include: held_on(post=held)
  RETURN 'post' AS group, held.post AS key, count(*) AS count
  UNION ALL
  MATCH (community:Community)-[:PART_OF*1..2]->(county)
  MATCH (:Person)-[held:HOLDS]->(community)
  WHERE
    // include: alive_on(node=community)
    AND
    // include: held_on(post=held)
  WITH DISTINCT community, held.post AS post
  RETURN 'community_with_post' AS group, post AS key, count(*) AS count
  UNION ALL
  MATCH (facility:Facility)-[:LOCATED_IN]->(:Place)-[:PART_OF*0..6]->(county)
  RETURN 'facility_kind' AS group, facility.kind AS key, count(*) AS count
  UNION ALL
  MATCH (project:Project)-[:SERVES]->(:Community)-[:PART_OF*1..2]->(county)
  RETURN 'project_status' AS group, coalesce(project.status, 'unset') AS key, count(*) AS count
  UNION ALL
  MATCH (need:Need)-[:RAISED_IN]->(:Place)-[:PART_OF*0..6]->(county)
  WITH need
  UNWIND [['need_kind', need.kind], ['need_status', need.status],
          ['satisfaction', toString(need.satisfaction)]] AS pair
  WITH pair WHERE pair[1] IS NOT NULL
  RETURN pair[0] AS group, pair[1] AS key, count(*) AS count
  UNION ALL
  MATCH (need:Need {status: 'resolved'})-[:RAISED_IN]->(:Place)-[:PART_OF*0..6]->(county)
  MATCH (need)-[:ASSIGNED_TO]->(:Service)<-[:OFFERS]-(provider:Organization)
  RETURN 'resolved_by_provider' AS group, need.kind + '/' + provider.kind AS key,
         count(*) AS count
}
RETURN county.id AS county_id, county.name AS county_name, group, key, count
ORDER BY county_id, group, key
