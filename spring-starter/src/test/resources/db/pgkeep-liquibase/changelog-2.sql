--liquibase formatted sql logicalFilePath:shop-changelog

--changeset shop:customers
create table customers(id bigint generated always as identity primary key, name text not null);
insert into customers(name) select 'customer ' || g from generate_series(1, 50) g;

--changeset shop:orders
create table orders(id bigint generated always as identity primary key, customer_id bigint references customers(id));
