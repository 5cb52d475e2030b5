// name: need_create
// zh: 登记需求 · en: Create a need, open, in a place and a category
// params: $need_id, $title, $kind, $urgency, $raised_on (the new need's
//      values), $place_id (the :Place it is RAISED_IN), $category_id (the
//      :Category it is IN)
// row: id — the need created; no row when the place or the category does
//      not exist (nothing is written then)
MATCH (place:Place {id: $place_id})
MATCH (category:Category {id: $category_id})
CREATE (need:Need {
  id: $need_id, name: $title, title: $title, kind: $kind, urgency: $urgency,
  raised_on: $raised_on, status: 'open'
})
CREATE (need)-[:RAISED_IN]->(place)
CREATE (need)-[:IN_CATEGORY]->(category)
RETURN need.id AS id
