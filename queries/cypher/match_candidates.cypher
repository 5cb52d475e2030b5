// name: match_candidates
// zh: 需求的覆盖资源 · en: The resources that cover needs
// params: $need_ids (list of need ids; ids of no need are left out), $details
//      (true: each need with its names, status, kind, place and community;
//      false: only need_id, urgency, raised_on, category_id,
//      matching_category_ids and ancestry), $as_of (date: the day asked for;
//      null = today)
// row: one row (none when no id names a need) with three lists:
//      needs: {need_id, need_name, status, kind, urgency, raised_on,
//        category_id, category_zh, category_en, matching_category_ids (the
//        need's category, then its BROADER ancestors), ancestry (place ids:
//        the need's place first, then PART_OF parents up to and including the
//        first county; the index is the distance), place_name, community_id,
//        community_name (the community of the ancestry), assigned_to};
//      places: {place_id, place_name, resource_ids} for every place of an
//        ancestry that some resource covers;
//      resources: {resource_id, resource_kind (service | project),
//        resource_name, provider_id, provider_name, category_id, category_zh,
//        category_en, status (projects), capacity, assigned, remaining} for each
//        of those resources.
// note: coverage: a service covers its COVERS places, or, when it lists none,
//      its provider's own place (BASED_IN; LEADS for a party organization);
//      a project covers the community it SERVES (whatever its status: only
//      active ones take needs, which queries/matching.py decides).
//      remaining = capacity - needs ASSIGNED_TO it whose status is assigned.
//      A resource whose provider (or running unit) does not exist on $as_of
//      (dissolved, or not yet established) covers nothing.
//      Only resources in one of the needs' matching categories are listed,
//      with those of their categories; queries/matching.py pairs each need
//      with those in its own categories.
UNWIND $need_ids AS wanted_id
MATCH (need:Need {id: wanted_id})
OPTIONAL MATCH (need)-[:RAISED_IN]->(origin:Place)
OPTIONAL MATCH (need)-[:IN_CATEGORY]->(need_category:Category)
OPTIONAL MATCH (need)-[:ASSIGNED_TO]->(current)
WITH need, origin, need_category, current,
     COLLECT {
       MATCH ancestry = (origin)-[:PART_OF*0..7]->(place:Place)
       WHERE none(step IN nodes(ancestry)[..-1] WHERE step:County)
       RETURN place ORDER BY length(ancestry)
     } AS ancestry,
     COLLECT {
       MATCH steps = (need_category)-[:BROADER*0..9]->(broader:Category)
       RETURN broader ORDER BY length(steps)
     } AS matching_categories
WITH collect(
       CASE
         WHEN $details THEN {
           need_id: need.id,
           need_name: need.name,
           status: need.status,
           kind: need.kind,
           urgency: need.urgency,
           raised_on: need.raised_on,
           category_id: need_category.id,
           category_zh: need_category.name_zh,
           category_en: need_category.name_en,
           matching_category_ids: [category IN matching_categories | category.id],
           ancestry: [place IN ancestry | place.id],
           place_name: origin.name,
           community_id: [place IN ancestry WHERE place:Community | place.id][0],
           community_name: [place IN ancestry WHERE place:Community | place.name][0],
           assigned_to: current.id
         }
         ELSE {
           need_id: need.id,
           urgency: need.urgency,
           raised_on: need.raised_on,
           category_id: need_category.id,
           matching_category_ids: [category IN matching_categories | category.id],
           ancestry: [place IN ancestry | place.id]
         }
       END) AS needs,
     collect(ancestry) AS ancestries,
     collect(matching_categories) AS category_lists
CALL (category_lists) {
  UNWIND category_lists AS categories
  UNWIND categories AS category
  RETURN collect(DISTINCT category) AS wanted_categories
}
CALL (ancestries, wanted_categories) {
  UNWIND ancestries AS ancestry
  UNWIND ancestry AS place
  WITH DISTINCT place, wanted_categories
  CALL (place) {
    MATCH (place)<-[:COVERS]-(resource:Service)
    RETURN resource
    UNION
    MATCH (place)<-[:BASED_IN|LEADS]-()-[:OFFERS]->(resource:Service)
    WHERE NOT (resource)-[:COVERS]->()
    RETURN resource
    UNION
    MATCH (place)<-[:SERVES]-(resource:Project)
    RETURN resource
  }
  WITH place, wanted_categories, resource
  WHERE NOT EXISTS { MATCH (resource)<-[:OFFERS|RUNS]-(provider) WHERE NOT (
    // include: alive_on(node=provider)
  ) }
  // Each resource's categories are read once, however many places it
  // covers, and from the resource's side: a category is a dense node (every
  // need in it points at it), so the planner must not start there.
  WITH wanted_categories, resource, collect(place) AS covered_places
  MATCH (resource)-[:IN_CATEGORY]->(category)
  WHERE category IN wanted_categories
  WITH resource, covered_places, collect(category) AS categories
  UNWIND covered_places AS place
  WITH place, collect({resource: resource, categories: categories}) AS covering
  RETURN collect({
           place_id: place.id,
           place_name: place.name,
           resource_ids: [entry IN covering | entry.resource.id]
         }) AS places,
         collect(covering) AS coverings
}
CALL (coverings) {
  UNWIND coverings AS covering
  UNWIND covering AS entry
  WITH DISTINCT entry.resource AS resource, entry.categories AS categories
  UNWIND categories AS category
  OPTIONAL MATCH (provider)-[:OFFERS|RUNS]->(resource)
  WITH resource, category, collect(provider)[0] AS provider,
       COUNT { (resource)<-[:ASSIGNED_TO]-(taken:Need {status: 'assigned'}) } AS assigned
  RETURN collect({
           resource_id: resource.id,
           resource_kind: CASE WHEN resource:Project THEN 'project' ELSE 'service' END,
           resource_name: resource.name,
           provider_id: provider.id,
           provider_name: provider.name,
           category_id: category.id,
           category_zh: category.name_zh,
           category_en: category.name_en,
           status: resource.status,
           capacity: coalesce(resource.capacity, 0),
           assigned: assigned,
           remaining: coalesce(resource.capacity, 0) - assigned
         }) AS resources
}
RETURN needs, places, resources
