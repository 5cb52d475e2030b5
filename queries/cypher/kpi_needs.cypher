// name: kpi_needs
// zh: 需求办理指标 · en: Need-handling KPIs
// params: $community_id (optional: needs raised in this community or below
//      it), $from, $to (optional dates: needs raised on or after $from, on or
//      before $to)
// row: breakdown (all, kind, community, county or month), group_id,
//      group_name (the kind, the community, the county, or the month YYYY-MM
//      of raised_on; null for all), raised (needs raised), open, assigned,
//      resolved (by status), median_days (median of resolved_on - raised_on
//      over resolved needs with both dates; null when none), rated (resolved
//      needs with a satisfaction), satisfied (of those, rated 4 or 5),
//      micro_wishes (kind micro_wish), micro_volunteer (微志愿: resolved needs
//      ASSIGNED_TO a service a VolunteerTeam or MicroOrg OFFERS), chain_solved
//      (resolved complaints ASSIGNED_TO a service a CountyDepartment OFFERS:
//      solved through the call chain) — one group of one breakdown
MATCH (need:Need)
WHERE ($from IS NULL OR need.raised_on >= $from)
  AND ($to IS NULL OR need.raised_on <= $to)
OPTIONAL MATCH (need)-[:RAISED_IN]->(place:Place)
WITH need,
     COLLECT {
       MATCH (place)-[:PART_OF*0..6]->(ancestor:Place)
       WHERE ancestor:Community OR ancestor:County
       RETURN ancestor
     } AS above
WITH need,
     [ancestor IN above WHERE ancestor:Community][0] AS community,
     [ancestor IN above WHERE ancestor:County][0] AS county
WHERE $community_id IS NULL OR community.id = $community_id
OPTIONAL MATCH (need)-[:ASSIGNED_TO]->(:Service)<-[:OFFERS]-(provider:Organization)
WITH need, community, county,
     need.status = 'resolved' AS resolved,
     provider:VolunteerTeam OR provider:MicroOrg AS by_volunteers,
     provider:CountyDepartment AS by_department,
     left(toString(need.raised_on), 7) AS month
UNWIND [
  ['all', null, null],
  ['kind', need.kind, need.kind],
  ['community', community.id, community.name],
  ['county', county.id, county.name],
  ['month', month, month]
] AS grouping
WITH grouping[0] AS breakdown, grouping[1] AS group_id, grouping[2] AS group_name,
     need, resolved, by_volunteers, by_department
RETURN breakdown, group_id, group_name,
       count(need) AS raised,
       count(CASE WHEN need.status = 'open' THEN 1 END) AS open,
       count(CASE WHEN need.status = 'assigned' THEN 1 END) AS assigned,
       count(CASE WHEN resolved THEN 1 END) AS resolved,
       percentileCont(
         CASE WHEN resolved AND need.resolved_on IS NOT NULL
           THEN duration.inDays(need.raised_on, need.resolved_on).days
         END, 0.5) AS median_days,
       count(CASE WHEN resolved AND need.satisfaction IS NOT NULL THEN 1 END) AS rated,
       count(CASE WHEN resolved AND need.satisfaction >= 4 THEN 1 END) AS satisfied,
       count(CASE WHEN need.kind = 'micro_wish' THEN 1 END) AS micro_wishes,
       count(CASE WHEN resolved AND by_volunteers THEN 1 END) AS micro_volunteer,
       count(CASE WHEN resolved AND need.kind = 'complaint' AND by_department THEN 1 END)
         AS chain_solved
ORDER BY breakdown, group_id
