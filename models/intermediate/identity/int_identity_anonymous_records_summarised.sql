{#
    Identity health: staging records that name nobody (no identifier and no
    name, or only a social handle never seen with an email), per source.
    They join no customer, so they are counted here rather than lost:
    point-of-sale orders paid without a card, a phone or a receipt address,
    unsigned surveys, social audience nobody can reach. A view: the count is
    computed when read, so the build pays only for its two tests.
#}
{{ config(materialized='view') }}

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
