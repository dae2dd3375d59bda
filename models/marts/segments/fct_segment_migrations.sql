{#
    The segment migration matrix: how many customers were in each segment at
    one instant and in each segment at a later one, per segment family with
    one segment per customer (RFM segment, value tier, lifecycle stage;
    interest groups are not exclusive and are left out). The instants are the
    vars segment_migration_from_at and segment_migration_to_at, by default the
    first and the latest recording time of the segment history. The state at
    an instant is what history knew then (valid_from <= T < valid_to), so the
    matrix never changes once both instants are past. A customer unknown at
    an instant (not yet a customer, or erased or merged away) is
    `not_present` there.
#}

{%- set from_at = var('segment_migration_from_at') -%}
{%- set to_at = var('segment_migration_to_at') %}

with

membership_history as (

    select * from {{ ref('fct_segment_memberships_history') }}

),

{# one row even when both instants are given: the history's own bounds fill in a missing one #}
bounds as (

    select
        coalesce(
            {{ "cast('" ~ from_at ~ "' as timestamp)" if from_at else 'cast(null as timestamp)' }},
            min(valid_from)
        ) as migration_from_at,
        coalesce(
            {{ "cast('" ~ to_at ~ "' as timestamp)" if to_at else 'cast(null as timestamp)' }},
            max(valid_from)
        ) as migration_to_at
    from membership_history

),

exclusive_memberships as (

    select *
    from membership_history
    where
        not is_deleted
        and segment_type in ('rfm_segment', 'value_tier', 'lifecycle_stage')

),

instants as (

    select
        'from' as instant_name,
        migration_from_at as instant_at
    from bounds
    union all
    select
        'to' as instant_name,
        migration_to_at as instant_at
    from bounds

),

{# half-open windows: at the instant a membership ends, only what replaced it holds #}
states as (

    select
        instants.instant_name,
        exclusive_memberships.customer_id,
        exclusive_memberships.segment_type,
        exclusive_memberships.segment_name
    from exclusive_memberships
    inner join instants
        on
            exclusive_memberships.valid_from <= instants.instant_at
            and (exclusive_memberships.valid_to is null or exclusive_memberships.valid_to > instants.instant_at)

),

moves as (

    select
        segment_type,
        coalesce(max(case when instant_name = 'from' then segment_name end), 'not_present') as from_segment,
        coalesce(max(case when instant_name = 'to' then segment_name end), 'not_present') as to_segment
    from states
    group by
        customer_id,
        segment_type

),

counted as (

    select
        segment_type,
        from_segment,
        to_segment,
        count(*) as customer_count
    from moves
    group by
        segment_type,
        from_segment,
        to_segment

),

final as (

    select
        {{ dbt.concat(['counted.segment_type', "':'", 'counted.from_segment', "'>'", 'counted.to_segment']) }}
            as migration_id,
        counted.segment_type,
        counted.from_segment,
        counted.to_segment,
        cast(counted.customer_count as bigint) as customer_count,
        cast({{ customer360.round_half_up(
            '1.0 * counted.customer_count'
            ~ ' / sum(counted.customer_count) over (partition by counted.segment_type, counted.from_segment)',
            4
        ) }} as numeric(5, 4)) as from_segment_share,
        counted.from_segment <> counted.to_segment as has_moved,
        bounds.migration_from_at,
        bounds.migration_to_at
    from counted
    cross join bounds

)

select * from final
