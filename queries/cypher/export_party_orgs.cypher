// name: export_party_orgs
// params: none
// row: id, name, level, place_id, parent_id, established, dissolved — one party
//      organization, as party_orgs.csv holds it
MATCH (org:PartyOrg)
OPTIONAL MATCH (org)-[:LEADS]->(place:Place)
OPTIONAL MATCH (org)-[:REPORTS_TO]->(parent:PartyOrg)
RETURN org.id AS id, org.name AS name, org.level AS level, place.id AS place_id,
       parent.id AS parent_id, org.established AS established, org.dissolved AS dissolved
ORDER BY id
