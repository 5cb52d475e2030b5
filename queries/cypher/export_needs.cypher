// name: export_needs
// params: none
// row: id, title, kind, category, place_id, urgency, raised_on, status,
//      assigned_to, resolved_on, satisfaction — one need, as needs.csv holds it
MATCH (need:Need)
OPTIONAL MATCH (need)-[:IN_CATEGORY]->(category:Category)
OPTIONAL MATCH (need)-[:RAISED_IN]->(place:Place)
OPTIONAL MATCH (need)-[:ASSIGNED_TO]->(resource)
RETURN need.id AS id, need.title AS title, need.kind AS kind, category.id AS category,
       place.id AS place_id, need.urgency AS urgency, need.raised_on AS raised_on,
       need.status AS status, resource.id AS assigned_to,
       need.resolved_on AS resolved_on, need.satisfaction AS satisfaction
ORDER BY id
