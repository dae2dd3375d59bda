{{ config(schema='quarantine', tags=['quarantine']) }}

with

source as (

    select * from {{ source('support', 'surveys') }}

),

base_surveys as (

    select * from {{ ref('base_support__surveys') }}

),

final as (

    select
        cast('support' as {{ dbt.type_string() }}) as source_name,
        cast('support_surveys' as {{ dbt.type_string() }}) as table_name,
        base_surveys.survey_id as record_id,
        base_surveys.quarantine_reason,
        source._batch_id,
        source._row_number,
        source._loaded_at,
        source.survey_id,
        source.ticket_id,
        source.order_id,
        source.product_id,
        source.account_id,
        source.email,
        source.survey_type,
        source.score,
        source.comment,
        source.submitted_at
    from source
    inner join base_surveys
        on
            source._batch_id = base_surveys._batch_id
            and source._row_number = base_surveys._row_number
    where
        base_surveys.quarantine_reason is not null
        and not base_surveys.is_exact_duplicate

)

select * from final
