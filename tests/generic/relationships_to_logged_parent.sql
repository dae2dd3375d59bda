{% test relationships_to_logged_parent(model, column_name, to, field, written_at_column) %}
    {{ return(adapter.dispatch('test_relationships_to_logged_parent', 'customer360')(model, column_name, to, field, written_at_column)) }}
{% endtest %}
