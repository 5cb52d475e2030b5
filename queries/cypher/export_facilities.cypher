// name: export_facilities
// params: none
// row: id, name, kind, place_id — one facility, as facilities.csv holds it
MATCH (facility:Facility)
OPTIONAL MATCH (facility)-[:LOCATED_IN]->(place:Place)
RETURN facility.id AS id, facility.name AS name, facility.kind AS kind,
       place.id AS place_id
ORDER BY id
