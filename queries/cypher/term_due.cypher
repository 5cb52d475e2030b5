// name: term_due
// audit: G20 · severity: medium
// zh: 任期将满 · en: Term of office ending soon
// note: medium — a secretary, red partner or first secretary whose term ends
//      soon has to be re-elected, reappointed or replaced (换届) in time;
//      nothing is missing yet, but the post will be vacant unless planned for.
// params: $as_of (date: the day judged; null = today), $term_warn_days (days
//      ahead to warn; null = 90), $term_years (years of a term; null = 5),
//      $community_id (optional: one community only), $street_id (optional:
//      one street only)
// row: node_id, name, kind (the target's level or kind), community_id (of the
//      target's place; null above the community), detail — one post of
//      secretary, part_time_member or first_secretary held on $as_of (and at a
//      target existing then) whose term ends no later than $term_warn_days
//      days after $as_of: a term ends on its until when it has one, otherwise
//      $term_years years after its since (a post with neither is not judged).
//      A term already past its end but still held (no until) is reported too,
//      as overdue. Detail: "secretary P01 (since 2021-03-01): term ends
//      2026-03-01, in 20 days" or "… term ended 2026-03-01, 12 days ago"
WITH coalesce($term_warn_days, 90) AS warn_days, coalesce($term_years, 5) AS term_years
MATCH (person:Person)-[held:HOLDS]->(target)
WHERE held.post IN ['secretary', 'part_time_member', 'first_secretary']
  AND (held.since IS NOT NULL OR held.until IS NOT NULL)
  AND
  // include: held_on(post=held)
  AND
  // include: alive_on(node=target)
WITH person, held, target,
     coalesce(held.until, held.since + duration({years: term_years})) AS term_end,
     warn_days
WHERE term_end <= $as_of + duration({days: warn_days})
WITH person, held, target, term_end,
     duration.inDays($as_of, term_end).days AS days_left,
     CASE WHEN target:Place THEN target
          ELSE [(target)-[:LEADS|BASED_IN]->(place:Place) | place][0] END AS place
WITH person, held, target, term_end, days_left,
     [(place)-[:PART_OF*0..6]->(community:Community) | community.id][0] AS community_id,
     [(place)-[:PART_OF*0..6]->(street:Street) | street.id][0] AS in_street
WHERE ($community_id IS NULL OR community_id = $community_id)
  AND ($street_id IS NULL OR in_street = $street_id)
RETURN target.id AS node_id, target.name AS name, coalesce(target.level, target.kind) AS kind,
       community_id,
       held.post + ' ' + person.id + coalesce(' (since ' + toString(held.since) + ')', '')
         + CASE
             WHEN days_left >= 0
             THEN ': term ends ' + toString(term_end) + ', in ' + toString(days_left)
                  + CASE days_left WHEN 1 THEN ' day' ELSE ' days' END
             ELSE ': term ended ' + toString(term_end) + ', ' + toString(-days_left)
                  + CASE days_left WHEN -1 THEN ' day' ELSE ' days' END + ' ago'
           END AS detail
ORDER BY node_id, detail
