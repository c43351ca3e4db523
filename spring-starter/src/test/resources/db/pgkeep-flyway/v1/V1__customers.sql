create table customers(id bigint generated always as identity primary key, name text not null);
insert into customers(name) select 'customer ' || g from generate_series(1, 50) g;
