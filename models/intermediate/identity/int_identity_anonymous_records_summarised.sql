{#
    Identity health: staging records that name nobody (no identifier and no
    name), per source. They join no customer, so they are counted here
    rather than lost: point-of-sale orders paid without a card, a phone or a
    receipt address, unsigned surveys, profiles without an email. A view:
    the count is read when asked for and costs the build nothing.
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
