{#
    One row per survey answer served by staging (CSAT after a ticket, review
    after a delivered order, NPS now and then), with its customer, how the
    score reads (feedback_score_bands seed) and the customer's current
    segment. NPS groups are staging's (promoters 9-10, passives 7-8,
    detractors 0-6); a CSAT answer is satisfied when its band is positive.
    The comment is left out: free text may hold personal data.
#}

with

surveys as (

    select * from {{ ref('stg_support__surveys') }}

),

customer_records as (

    select * from {{ ref('bridge_customer_source_records') }}

),

segments as (

    select * from {{ ref('dim_customer_segments') }}

),

score_bands as (

    select * from {{ ref('feedback_score_bands') }}

),

final as (

    select
        surveys.survey_id,
        customer_records.customer_id,
        surveys.ticket_id,
        surveys.order_id,
        surveys.product_id,
        surveys.survey_type,
        surveys.nps_group,
        score_bands.feedback_sentiment,
        coalesce(segments.rfm_segment, 'unassigned') as rfm_segment,
        coalesce(segments.value_tier, 'unassigned') as value_tier,
        cast(surveys.score as integer) as score,
        cast(score_bands.sentiment_value as integer) as sentiment_value,
        case when surveys.survey_type = 'csat' then score_bands.feedback_sentiment = 'positive' end
            as is_csat_satisfied,
        cast(surveys.submitted_at as date) as submitted_date,
        cast({{ dbt.date_trunc('week', 'surveys.submitted_at') }} as date) as submitted_week_start_date,
        surveys.submitted_at
    from surveys
    left outer join customer_records
        on
            surveys.survey_id = customer_records.source_record_id
            and customer_records.source_table = 'support_surveys'
    left outer join segments
        on customer_records.customer_id = segments.customer_id
    left outer join score_bands
        on
            surveys.survey_type = score_bands.survey_type
            and surveys.score between score_bands.min_score and score_bands.max_score

)

select * from final
