// fragment: view_record
// args: {{node}} (the node to turn into a record)
// note: an expression, the node as a record of visualize.model.from_records:
//      its properties with the phone and post title left out, its labels
//      and, for services, projects and needs, its category's names
{{node}} {.*, labels: labels({{node}}), phone: null, title: null,
  category: [({{node}})-[:IN_CATEGORY]->(category:Category)
             | trim(coalesce(category.name_zh, category.name) + ' '
                    + coalesce(category.name_en, ''))][0]}
