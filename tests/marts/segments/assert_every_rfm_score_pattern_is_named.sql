{#
    Every combination of recency, frequency and monetary scores that the
    scoring can give (1 to rfm_score_buckets each) matches at least one row
    of the rfm_segments seed, so no buyer ends up `unclassified`. A row
    returned is a pattern without a name.
#}

{%- set buckets = var('rfm_score_buckets') %}

with

rfm_segments as (

    select * from {{ ref('rfm_segments') }}

),

scores as (

    {% for score in range(1, buckets + 1) -%}
        select {{ score }} as score
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

patterns as (

    select
        recency_scores.score as recency_score,
        frequency_scores.score as frequency_score,
        monetary_scores.score as monetary_score
    from scores as recency_scores
    cross join scores as frequency_scores
    cross join scores as monetary_scores

),

matches as (

    select
        patterns.recency_score,
        patterns.frequency_score,
        patterns.monetary_score,
        count(rfm_segments.rfm_segment) as matching_segment_count
    from patterns
    left outer join rfm_segments
        on
            patterns.recency_score between rfm_segments.recency_score_min and rfm_segments.recency_score_max
            and patterns.frequency_score between rfm_segments.frequency_score_min
            and rfm_segments.frequency_score_max
            and patterns.monetary_score between rfm_segments.monetary_score_min
            and rfm_segments.monetary_score_max
    group by
        patterns.recency_score,
        patterns.frequency_score,
        patterns.monetary_score

)

select * from matches
where matching_segment_count = 0
