-- Where a procedure is done online on this site (e.g. /forms/juminhyo): the start button leads there.
ALTER TABLE catalog_services
  ADD COLUMN online_path text CHECK (online_path ~ '^/[a-z0-9/_-]{1,200}$');
