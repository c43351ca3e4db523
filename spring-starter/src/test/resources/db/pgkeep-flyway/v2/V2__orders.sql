create table orders(id bigint generated always as identity primary key, customer_id bigint references customers(id));
