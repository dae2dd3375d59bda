{#
    Which segments each customer belongs to now, one row per customer and
    segment: the RFM segment, value tier and lifecycle stage of
    dim_customer_segments (one each) and the interest groups of
    fct_customer_category_affinities (any number). This is what
    snp_segment_memberships records, so every column is part of the key's
    meaning: a version is written only when a customer enters or leaves a
    segment, never because a score moved.
#}

with

segments as (

    select * from {{ ref('dim_customer_segments') }}

),

category_affinities as (

    select * from {{ ref('fct_customer_category_affinities') }}

),

memberships as (

    {% for segment_type in ['rfm_segment', 'value_tier', 'lifecycle_stage'] -%}
        select
            customer_id,
            '{{ segment_type }}' as segment_type,
            {{ segment_type }} as segment_name
        from segments
        union all
    {% endfor -%}
    select
        customer_id,
        'interest_group' as segment_type,
        category as segment_name
    from category_affinities
    where is_interest_group

),

final as (

    select
        customer_id,
        {{ dbt.concat(['segment_type', "':'", 'segment_name']) }} as segment_id,
        segment_type,
        segment_name
    from memberships

)

select * from final
