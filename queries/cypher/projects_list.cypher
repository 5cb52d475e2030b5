// name: projects_list
// zh: 共建项目清单 · en: Co-building projects (共驻共建)
// params: $community_id (optional: projects that SERVE this community)
// row: project_id, name, status, unit_id, unit_name, community_id,
//      community_name, category_id, category_zh, category_en, capacity,
//      assigned (needs ASSIGNED_TO it with status assigned) — one project
MATCH (project:Project)
OPTIONAL MATCH (project)-[:SERVES]->(community:Community)
WITH project, community
WHERE $community_id IS NULL OR community.id = $community_id
OPTIONAL MATCH (unit)-[:RUNS]->(project)
OPTIONAL MATCH (project)-[:IN_CATEGORY]->(category:Category)
RETURN project.id AS project_id, project.name AS name, project.status AS status,
       unit.id AS unit_id, unit.name AS unit_name, community.id AS community_id,
       community.name AS community_name, category.id AS category_id,
       category.name_zh AS category_zh, category.name_en AS category_en,
       coalesce(project.capacity, 0) AS capacity,
       COUNT { (project)<-[:ASSIGNED_TO]-(taken:Need {status: 'assigned'}) } AS assigned
ORDER BY project_id
