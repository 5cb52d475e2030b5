// name: unmanaged_two_new
// audit: G16 · severity: medium
// zh: “两新”组织无党组织兜底 · en: Two-new organization with no fallback party organization
// note: medium — 兜底管理 means every “two-new” organization has a party
//      organization answerable for it; an orphan is outside party-building
//      coverage, though it affects no resident service directly.
// params: $as_of (date: the day judged; null = today), $community_id (optional: one
//      community only), $street_id (optional: one street only)
// row: node_id, name, kind (two_new_org), community_id (of the place it is
//      BASED_IN; null above the community), detail — one :TwoNewOrg existing on
//      $as_of that no :PartyOrg existing then is FALLBACK_FOR
MATCH (org:TwoNewOrg)
WHERE
  // include: alive_on(node=org)
  AND NOT EXISTS { MATCH (fallback:PartyOrg)-[:FALLBACK_FOR]->(org) WHERE
    // include: alive_on(node=fallback)
  }
OPTIONAL MATCH (org)-[:BASED_IN]->(place:Place)
WITH org, place,
     [(place)-[:PART_OF*0..6]->(community:Community) | community.id][0] AS community_id,
     [(place)-[:PART_OF*0..6]->(street:Street) | street.id][0] AS in_street
WHERE ($community_id IS NULL OR community_id = $community_id)
  AND ($street_id IS NULL OR in_street = $street_id)
RETURN org.id AS node_id, org.name AS name, org.kind AS kind, community_id,
       'no party organization falls back for it' + coalesce(' (based in ' + place.id + ')', '')
         AS detail
ORDER BY node_id
