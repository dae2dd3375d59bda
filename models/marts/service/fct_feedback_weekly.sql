{#
    Customer feedback per week (Monday start, UTC) and segment: NPS, CSAT,
    review ratings and support tickets, for the feedback dashboard. Segments
    are the customers' current ones; answers and tickets without a customer
    or segment fall in `unassigned`. Only weeks and segments with some
    feedback have a row.

    NPS = % promoters (9-10) - % detractors (0-6) of the NPS answers, -100 to
    100. CSAT = share of CSAT answers that are satisfied (4 or 5 of 5, the
    positive band of feedback_score_bands), 0 to 1. Counts add up over rows;
    recompute the scores from them when rolling weeks or segments up.
#}

with

feedback as (

    select * from {{ ref('fct_feedback_responses') }}

),

tickets as (

    select * from {{ ref('fct_support_tickets') }}

),

measures as (

    select
        submitted_week_start_date as week_start_date,
        rfm_segment,
        value_tier,
        case when survey_type = 'nps' then 1 else 0 end as nps_response_count,
        case when nps_group = 'promoter' then 1 else 0 end as nps_promoter_count,
        case when nps_group = 'passive' then 1 else 0 end as nps_passive_count,
        case when nps_group = 'detractor' then 1 else 0 end as nps_detractor_count,
        case when survey_type = 'csat' then 1 else 0 end as csat_response_count,
        case when is_csat_satisfied then 1 else 0 end as csat_satisfied_count,
        case when survey_type = 'review' then 1 else 0 end as review_count,
        case when survey_type = 'review' then score else 0 end as review_score_total,
        0 as ticket_count,
        0 as complaint_ticket_count
    from feedback

    union all

    select
        created_week_start_date as week_start_date,
        rfm_segment,
        value_tier,
        0 as nps_response_count,
        0 as nps_promoter_count,
        0 as nps_passive_count,
        0 as nps_detractor_count,
        0 as csat_response_count,
        0 as csat_satisfied_count,
        0 as review_count,
        0 as review_score_total,
        1 as ticket_count,
        case when is_complaint then 1 else 0 end as complaint_ticket_count
    from tickets

),

weekly as (

    select
        week_start_date,
        rfm_segment,
        value_tier,
        sum(nps_response_count) as nps_response_count,
        sum(nps_promoter_count) as nps_promoter_count,
        sum(nps_passive_count) as nps_passive_count,
        sum(nps_detractor_count) as nps_detractor_count,
        sum(csat_response_count) as csat_response_count,
        sum(csat_satisfied_count) as csat_satisfied_count,
        sum(review_count) as review_count,
        sum(review_score_total) as review_score_total,
        sum(ticket_count) as ticket_count,
        sum(complaint_ticket_count) as complaint_ticket_count
    from measures
    group by week_start_date, rfm_segment, value_tier

),

{# rounded by size, then signed: halves round away from zero on every engine #}
scored as (

    select
        *,
        case when nps_promoter_count < nps_detractor_count then -1 else 1 end as nps_sign,
        abs(cast(nps_promoter_count - nps_detractor_count as numeric(18, 4))) * 100
        / nullif(nps_response_count, 0) as nps_magnitude
    from weekly

),

final as (

    select
        week_start_date,
        rfm_segment,
        value_tier,
        cast(nps_response_count as bigint) as nps_response_count,
        cast(nps_promoter_count as bigint) as nps_promoter_count,
        cast(nps_passive_count as bigint) as nps_passive_count,
        cast(nps_detractor_count as bigint) as nps_detractor_count,
        cast(nps_sign * {{ round_half_up('nps_magnitude', 2) }} as numeric(9, 2)) as nps_score,
        cast(csat_response_count as bigint) as csat_response_count,
        cast(csat_satisfied_count as bigint) as csat_satisfied_count,
        cast(
            {{ round_half_up('cast(csat_satisfied_count as numeric(18, 4)) / nullif(csat_response_count, 0)', 4) }}
            as numeric(9, 4)
        ) as csat_score,
        cast(review_count as bigint) as review_count,
        cast(
            {{ round_half_up('cast(review_score_total as numeric(18, 4)) / nullif(review_count, 0)', 2) }}
            as numeric(9, 2)
        ) as review_average_score,
        cast(ticket_count as bigint) as ticket_count,
        cast(complaint_ticket_count as bigint) as complaint_ticket_count
    from scored

)

select * from final
