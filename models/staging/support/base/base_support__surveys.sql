{{
    config(
        materialized='incremental',
        unique_key=['_batch_id', '_row_number'],
        incremental_strategy=customer360.base_incremental_strategy(logs_deletions=true),
        meta={'deletion_log_columns': ['survey_id']},
        pre_hook="{{ customer360.start_deletion_log(customer360.model_deletion_log_columns()) }}",
        post_hook="{{ customer360.delete_replaced_deliveries() }}",
    )
}}

{%- set raw_columns = [
    'survey_id', 'ticket_id', 'order_id', 'product_id', 'account_id', 'email',
    'survey_type', 'score', 'comment', 'submitted_at',
] -%}
{%- set max_length = var('max_text_length') -%}

with

source as (

    {{ new_deliveries(source('support', 'surveys')) }}

),

email_domain_typos as (

    select * from {{ ref('email_domain_typos') }}

),

identifier_placeholders as (

    select * from {{ ref('identifier_placeholders') }}

),

renamed as (

    select
        {{ clean_text('survey_id') }} as survey_id,
        {{ clean_text('ticket_id') }} as ticket_id,
        {{ clean_text('order_id') }} as order_id,
        {{ clean_text('product_id') }} as product_id,
        {{ clean_text('account_id') }} as account_id,
        {{ clean_email('email') }} as email_cleaned,
        {{ standardize_enum('survey_type') }} as survey_type,
        {{ clean_text('comment', max_length) }} as comment,  -- noqa: RF04
        {{ cast_or_null('score', 'integer') }} as score,
        {{ is_text_truncated('comment', max_length) }} as is_comment_truncated,
        {{ has_formula_prefix('comment') }} as has_comment_formula,
        {{ parse_timestamp_utc('submitted_at') }} as submitted_at,
        {{ row_fingerprint(raw_columns) }} as row_fingerprint,
        _batch_id,
        _row_number,
        _loaded_at
    from source

),

standardised as (

    select
        renamed.survey_id,
        renamed.ticket_id,
        renamed.order_id,
        renamed.product_id,
        renamed.account_id,
        {{ standardised_email_columns('renamed', 'email') }},
        renamed.survey_type,
        {#- Net Promoter groups are defined on the 0-10 scale of NPS surveys only. -#}
        case
            when renamed.survey_type = 'nps' and renamed.score between 9 and 10 then 'promoter'
            when renamed.survey_type = 'nps' and renamed.score between 7 and 8 then 'passive'
            when renamed.survey_type = 'nps' and renamed.score between 0 and 6 then 'detractor'
        end as nps_group,
        renamed.comment,
        renamed.email_cleaned,
        renamed.score,
        {#- Each survey type has its own scale; an unknown type has none, so its score cannot be valid. -#}
        coalesce(
            case renamed.survey_type
                when 'csat' then renamed.score between 1 and 5
                when 'nps' then renamed.score between 0 and 10
                when 'review' then renamed.score between 1 and 5
            end,
            false
        ) as is_score_in_range,
        renamed.is_comment_truncated,
        renamed.has_comment_formula,
        renamed.submitted_at,
        renamed.row_fingerprint,
        renamed._batch_id,
        renamed._row_number,
        renamed._loaded_at
    from renamed
    {{ email_domain_typo_join('renamed', 'email') }}

),

checked as (

    select
        standardised.*,
        case
            when standardised.survey_id is null then 'missing_natural_key'
            when standardised.submitted_at is null then 'invalid_timestamp'
            when standardised.submitted_at > {{ future_cutoff('standardised._loaded_at') }} then 'future_timestamp'
            when not standardised.is_score_in_range then 'invalid_score'
        end as quarantine_reason
    from standardised

),

contact_points_checked as (

    {{ check_contact_points('checked', email_column='email') }}

),

{#- A submitted answer does not change: the submission time stands in for the change time. -#}
{{ version_deliveries('contact_points_checked', 'survey_id', "deduplicated.submitted_at") }},

final as (

    select
        survey_id,
        ticket_id,
        order_id,
        product_id,
        account_id,
        email,
        email_as_given,
        survey_type,
        nps_group,
        comment,
        row_fingerprint,
        quarantine_reason,
        score,
        case when is_usable then usable_version_rank end as version_number,
        case when is_usable then usable_version_count end as version_count,
        is_email_placeholder,
        has_invalid_email,
        is_comment_truncated,
        has_comment_formula,
        is_exact_duplicate,
        is_usable and usable_version_rank = 1 as is_current_version,
        submitted_at,
        _batch_id,
        _row_number,
        _loaded_at,
        {{ run_started_at_second() }} as built_at
    from versioned

)

select * from final
