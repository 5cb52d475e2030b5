// name: area_without_red_property
// audit: G10 · severity: low
// zh: 小区物业非红色物业 · en: Residential area managed by no red property firm
// note: low — 红色物业 (a firm with party-building ties) is an improvement the
//      county promotes; the area is still managed.
// params: $as_of (date: the day judged; null = today), $community_id (optional: one
//      community only), $street_id (optional: one street only)
// row: node_id, name, kind, community_id, detail — one residential area some
//      :PropertyFirm MANAGES (both existing on $as_of), none of them with red_property true; detail
//      names the managing firms
MATCH (area:ResidentialArea)<-[:MANAGES]-(firm:PropertyFirm)
WHERE
  // include: alive_on(node=area)
  AND
  // include: alive_on(node=firm)
WITH area, collect(firm) AS firms
WHERE none(firm IN firms WHERE firm.red_property = true)
WITH area, firms,
     [(area)-[:PART_OF*0..6]->(community:Community) | community.id][0] AS community_id,
     [(area)-[:PART_OF*0..6]->(street:Street) | street.id][0] AS in_street
WHERE ($community_id IS NULL OR community_id = $community_id)
  AND ($street_id IS NULL OR in_street = $street_id)
WITH area, community_id, [firm IN firms | firm.id + ' ' + firm.name] AS names
RETURN area.id AS node_id, area.name AS name, area.kind AS kind, community_id,
       'managed by ' + reduce(text = head(names), firm IN tail(names) | text + ', ' + firm)
         + ' (not red property)' AS detail
ORDER BY node_id
