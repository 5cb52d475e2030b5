// name: route_need
// zh: 需求的逐级呼叫路线 · en: The escalation route of a need (逐级呼叫、分级回应)
// params: $need_id (the need), $as_of (date: the day the route is asked for;
//      null = today)
// row: need_id, need_name, status, category_id, category_zh, category_en,
//      category_ids (the need's category, then its BROADER ancestors),
//      ancestry, departments — the need (no row when no :Need has that id).
//      ancestry: the need's place, then its PART_OF parents up to and including
//      the first county, each {place_id, place_name, kind, orgs}: orgs are the
//      party organizations that LEAD the place, each {org_id, org_name, level,
//      reports_to (ids of the orgs it REPORTS_TO), secretaries ([{id, name}]
//      of the people who HOLD {post: secretary} there, by id)}.
//      departments: the county departments BASED_IN a place of the ancestry
//      whose domains hold one of category_ids, each {org_id, org_name,
//      domains, secretaries}. Only the party organizations and departments
//      existing on $as_of count, and only the secretaries holding the post
//      that day.
MATCH (need:Need {id: $need_id})
OPTIONAL MATCH (need)-[:RAISED_IN]->(origin:Place)
OPTIONAL MATCH (need)-[:IN_CATEGORY]->(category:Category)
WITH need, origin, category,
     COLLECT {
       MATCH steps = (category)-[:BROADER*0..9]->(broader:Category)
       RETURN broader.id ORDER BY length(steps)
     } AS category_ids,
     COLLECT {
       MATCH ancestry = (origin)-[:PART_OF*0..7]->(place:Place)
       WHERE none(step IN nodes(ancestry)[..-1] WHERE step:County)
       RETURN place ORDER BY length(ancestry)
     } AS places
RETURN need.id AS need_id, need.name AS need_name, need.status AS status,
       category.id AS category_id, category.name_zh AS category_zh,
       category.name_en AS category_en, category_ids,
       [place IN places | {
         place_id: place.id,
         place_name: place.name,
         kind: place.kind,
         orgs: COLLECT {
           MATCH (org:PartyOrg)-[:LEADS]->(place)
           WHERE
             // include: alive_on(node=org)
           RETURN {
             org_id: org.id,
             org_name: org.name,
             level: org.level,
             reports_to: COLLECT {
               MATCH (org)-[:REPORTS_TO]->(parent)
               WHERE
                 // include: alive_on(node=parent)
               RETURN parent.id ORDER BY parent.id
             },
             secretaries: COLLECT {
               MATCH (person:Person)-[held:HOLDS {post: 'secretary'}]->(org)
               WHERE
                 // include: held_on(post=held)
               RETURN {id: person.id, name: person.name} ORDER BY person.id
             }
           } ORDER BY org.id
         }
       }] AS ancestry,
       COLLECT {
         UNWIND places AS place
         MATCH (department:CountyDepartment)-[:BASED_IN]->(place)
         WHERE any(domain IN coalesce(department.domains, []) WHERE domain IN category_ids)
           AND
           // include: alive_on(node=department)
         RETURN {
           org_id: department.id,
           org_name: department.name,
           domains: department.domains,
           secretaries: COLLECT {
             MATCH (person:Person)-[held:HOLDS {post: 'secretary'}]->(department)
             WHERE
               // include: held_on(post=held)
             RETURN {id: person.id, name: person.name} ORDER BY person.id
           }
         } ORDER BY department.id
       } AS departments
