// name: need_get
// zh: 查需求 · en: A need with its place, category and assignment
// params: $need_id (the id)
// row: id, title, kind, urgency, status, raised_on, resolved_on,
//      satisfaction, place_id, place_name, category_id, category_zh,
//      category_en, assigned_to, assigned_name — the need; no row when no
//      :Need has that id
MATCH (need:Need {id: $need_id})
OPTIONAL MATCH (need)-[:RAISED_IN]->(place:Place)
OPTIONAL MATCH (need)-[:IN_CATEGORY]->(category:Category)
OPTIONAL MATCH (need)-[:ASSIGNED_TO]->(resource)
WITH need, place, category, resource
ORDER BY resource.id
WITH need, head(collect(place)) AS place, head(collect(category)) AS category,
     head(collect(resource)) AS resource
RETURN need.id AS id, coalesce(need.title, need.name) AS title, need.kind AS kind,
       need.urgency AS urgency, need.status AS status, need.raised_on AS raised_on,
       need.resolved_on AS resolved_on, need.satisfaction AS satisfaction,
       place.id AS place_id, place.name AS place_name, category.id AS category_id,
       coalesce(category.name_zh, category.name) AS category_zh,
       category.name_en AS category_en, resource.id AS assigned_to,
       resource.name AS assigned_name
