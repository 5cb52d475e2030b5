// name: export_categories
// params: none
// row: id, name_zh, name_en, parent_id — one category, the default taxonomy's
//      included, as categories.csv holds it
MATCH (category:Category)
OPTIONAL MATCH (category)-[:BROADER]->(parent:Category)
RETURN category.id AS id, category.name_zh AS name_zh, category.name_en AS name_en,
       parent.id AS parent_id
ORDER BY id
