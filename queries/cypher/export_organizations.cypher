// name: export_organizations
// params: none
// row: id, name, kind, place_id, red_property, manages, domains, fallback_org_id,
//      established, dissolved — one organization, as organizations.csv holds it (manages sorted)
MATCH (org:Organization)
OPTIONAL MATCH (org)-[:BASED_IN]->(place:Place)
OPTIONAL MATCH (fallback:PartyOrg)-[:FALLBACK_FOR]->(org)
CALL (org) {
  OPTIONAL MATCH (org)-[:MANAGES]->(area:ResidentialArea)
  WITH area ORDER BY area.id
  RETURN collect(area.id) AS manages
}
RETURN org.id AS id, org.name AS name, org.kind AS kind, place.id AS place_id,
       org.red_property AS red_property, manages, org.domains AS domains,
       fallback.id AS fallback_org_id, org.established AS established,
       org.dissolved AS dissolved
ORDER BY id
