// name: area_missing_troika
// audit: G09 · severity: medium
// zh: 小区“三驾马车”不全 · en: Residential area missing part of its troika
// note: medium — 三驾马车 (area branch, owners committee, property firm) is how
//      an area governs itself; a missing carriage weakens it but other rules
//      (G01 for the branch) already flag the most serious part.
// params: $as_of (date: the day judged; null = today), $community_id (optional: one
//      community only), $street_id (optional: one street only)
// row: node_id, name, kind, community_id, detail — one residential area
//      existing on $as_of missing any of (existing that day): an area_branch that LEADS it, an :OwnersCommittee
//      BASED_IN it, a :PropertyFirm that MANAGES it; detail lists which
//      ("missing: branch, owners committee, property firm")
MATCH (area:ResidentialArea)
WHERE
  // include: alive_on(node=area)
WITH area,
     'area_branch' IN [(area)<-[:LEADS]-(org:PartyOrg) WHERE
       // include: alive_on(node=org)
       | org.level] AS has_branch,
     EXISTS { MATCH (committee:OwnersCommittee)-[:BASED_IN]->(area) WHERE
       // include: alive_on(node=committee)
     } AS has_committee,
     EXISTS { MATCH (firm:PropertyFirm)-[:MANAGES]->(area) WHERE
       // include: alive_on(node=firm)
     } AS has_firm
WHERE NOT (has_branch AND has_committee AND has_firm)
WITH area,
     [part IN [[has_branch, 'branch'], [has_committee, 'owners committee'],
               [has_firm, 'property firm']] WHERE NOT part[0] | part[1]] AS missing,
     [(area)-[:PART_OF*0..6]->(community:Community) | community.id][0] AS community_id,
     [(area)-[:PART_OF*0..6]->(street:Street) | street.id][0] AS in_street
WHERE ($community_id IS NULL OR community_id = $community_id)
  AND ($street_id IS NULL OR in_street = $street_id)
RETURN area.id AS node_id, area.name AS name, area.kind AS kind, community_id,
       'missing: ' + reduce(text = head(missing), part IN tail(missing) | text + ', ' + part)
         AS detail
ORDER BY node_id
