{#
    Records that share no usable identifier can still be one person: same
    names and birth date, say. Comparing every pair would grow with the square
    of the records, so only records in the same block (a blocking key from
    identity_fuzzy_blocks) are compared, and oversized blocks are skipped and
    reported rather than compared. Each pair gets a weighted score from
    identity_match_weights and matches at the block's min_match_score.
#}
{%- set text_type = dbt.type_string() -%}
{%- set blocking_keys = {
    'last_name_and_birth_date': dbt.concat(['last_name_key', "'|'", 'cast(birth_date as ' ~ text_type ~ ')']),
    'postal_code_and_birth_date': dbt.concat(['postal_code_key', "'|'", 'cast(birth_date as ' ~ text_type ~ ')']),
} -%}

with

records as (

    select * from {{ ref('int_identity_records_unioned') }}

),

fuzzy_blocks as (

    select * from {{ ref('identity_fuzzy_blocks') }}

),

match_weights as (

    select * from {{ ref('identity_match_weights') }}

),

weights as (

    select
        coalesce(max(case when feature = 'first_name_similarity' then weight end), 0) as first_name_weight,
        coalesce(max(case when feature = 'last_name_similarity' then weight end), 0) as last_name_weight,
        coalesce(max(case when feature = 'birth_date_equal' then weight end), 0) as birth_date_weight,
        coalesce(max(case when feature = 'postal_code_equal' then weight end), 0) as postal_code_weight
    from match_weights

),

comparable_records as (

    select
        record_key,
        first_name_key,
        last_name_key,
        postal_code_key,
        birth_date
    from records
    where
        first_name_key is not null
        and birth_date is not null

),

blocked_records as (

    {% for blocking_key, expression in blocking_keys.items() %}
        select
            comparable_records.*,
            '{{ blocking_key }}' as blocking_key,
            {{ expression }} as block_value
        from comparable_records
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

block_sizes as (

    select
        blocking_key,
        block_value,
        count(*) as block_size
    from blocked_records
    where block_value is not null
    group by blocking_key, block_value

),

compared_blocks as (

    select
        block_sizes.blocking_key,
        block_sizes.block_value,
        fuzzy_blocks.min_match_score
    from block_sizes
    inner join fuzzy_blocks
        on block_sizes.blocking_key = fuzzy_blocks.blocking_key
    where
        fuzzy_blocks.is_enabled
        and block_sizes.block_size between 2 and fuzzy_blocks.max_block_size

),

pairs as (

    select
        left_records.record_key,
        right_records.record_key as linked_record_key,
        compared_blocks.blocking_key,
        compared_blocks.min_match_score,
        {{ name_similarity('left_records.first_name_key', 'right_records.first_name_key') }} as first_name_similarity,
        {{ name_similarity('left_records.last_name_key', 'right_records.last_name_key') }} as last_name_similarity,
        left_records.birth_date = right_records.birth_date as is_birth_date_equal,
        left_records.postal_code_key = right_records.postal_code_key as is_postal_code_equal
    from compared_blocks
    inner join blocked_records as left_records
        on
            compared_blocks.blocking_key = left_records.blocking_key
            and compared_blocks.block_value = left_records.block_value
    inner join blocked_records as right_records
        on
            left_records.blocking_key = right_records.blocking_key
            and left_records.block_value = right_records.block_value
            and left_records.record_key < right_records.record_key

),

scored as (

    select
        pairs.*,
        {# rounded so that weights adding up exactly to the threshold (0.45 + 0.25 + 0.2) reach it #}

        cast(
            coalesce(pairs.first_name_similarity, 0) * weights.first_name_weight
            + coalesce(pairs.last_name_similarity, 0) * weights.last_name_weight
            + case when pairs.is_birth_date_equal then weights.birth_date_weight else 0 end
            + case when pairs.is_postal_code_equal then weights.postal_code_weight else 0 end
            as decimal(9, 6)
        ) as match_score
    from pairs
    cross join weights

),

final as (

    select
        record_key,
        linked_record_key,
        blocking_key,
        first_name_similarity,
        last_name_similarity,
        match_score,
        min_match_score,
        coalesce(is_birth_date_equal, false) as is_birth_date_equal,
        coalesce(is_postal_code_equal, false) as is_postal_code_equal,
        match_score >= min_match_score as is_match
    from scored

)

select * from final
