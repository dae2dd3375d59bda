{#
    Identity health: staging records that name nobody (no identifier and no
    name, or only a social handle never seen with an email), per source.
    They join no customer, so they are counted here rather than lost:
    point-of-sale orders paid without a card, a phone or a receipt address,
    unsigned surveys, social audience nobody can reach. A table of one row per
    source: counting reads every identity record, once per build, where a
    view was counted again by each of its two tests (0.7 s of a day at
    1,000,000 customers, against about 0.3 s for the build).
#}
{{ config(materialized='table') }}

with

source_records as (

    {{ identity_source_records() }}

),

final as (

    select
        source_table,
        count(*) as record_count,
        min(observed_at) as first_observed_at,
        max(observed_at) as last_observed_at
    from source_records
    where not is_identity_bearing
    group by source_table

)

select * from final
