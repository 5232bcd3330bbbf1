//! `file`, `templatefile` and path functions, reading through the file source.

#[allow(clippy::wildcard_imports)]
use super::*;

impl Evaluator<'_> {
    #[allow(clippy::too_many_lines)]
    pub(super) fn apply_file(&mut self, sc: &Scope, name: &str, args: Args, o: Origin) -> R {
        let s = |x: String, o: &Origin| Value::lit(&x, o.clone());
        let _ = &s;
        match name {
            "file" => {
                self.arity(name, &args, 1, 1, &o)?;
                let Some(p) = self.text(&args[0])? else {
                    return self.unk(sc, &o);
                };
                let (_, text, map) = self.read_rel(&p, &o)?;
                Ok(Value::new(
                    V::Str(Str::lit(text.to_string()), Some(Arc::new(map))),
                    o,
                ))
            }
            "fileexists" => {
                self.arity(name, &args, 1, 1, &o)?;
                let Some(p) = self.text(&args[0])? else {
                    return self.unk(sc, &o);
                };
                Ok(Value::new(V::Bool(self.read_rel(&p, &o).is_ok()), o))
            }
            "templatefile" => {
                self.arity(name, &args, 2, 2, &o)?;
                let mut it = args.into_iter();
                let p = it.next().unwrap_or_else(|| Value::null(o.clone()));
                let vars = it.next().unwrap_or_else(|| Value::null(o.clone()));
                let Some(p) = self.text(&p)? else {
                    return self.unk(sc, &o);
                };
                let (file, text, _) = self.read_rel(&p, &o)?;
                let Some(entries) = self.map_arg(vars)? else {
                    return self.unk(sc, &o);
                };
                let tpl = match crate::syntax::parse_template(&text) {
                    Ok(t) => t,
                    Err(e) => {
                        let off = e.location().offset();
                        return Err(self.fail(
                            Code::Syntax,
                            format!("invalid template: {}", e.message().to_lowercase()),
                            Origin::new(file, passgraph_model::TextRange::new(off, off)),
                        ));
                    }
                };
                let mut tsc = Scope::new(sc.inst, file);
                tsc.template_only = true;
                tsc.suffix = sc.suffix.clone();
                tsc.bindings = entries.into_iter().map(|(k, _, v)| (k, v)).collect();
                let fo = crate::value::file_origin(file, text.len());
                self.template(&tsc, tpl.iter(), fo)
            }
            "basename" | "dirname" | "abspath" | "pathexpand" => {
                self.arity(name, &args, 1, 1, &o)?;
                let Some(p) = self.text(&args[0])? else {
                    return self.unk(sc, &o);
                };
                let r = match name {
                    "basename" => p.rsplit('/').next().unwrap_or("").to_owned(),
                    "dirname" => p
                        .rsplit_once('/')
                        .map_or(".".to_owned(), |(d, _)| d.to_owned()),
                    _ => p,
                };
                Ok(s(r, &o))
            }
            _ => self.unk(sc, &o),
        }
    }

    /// Reads a file named relative to the root module, as Terraform resolves `file()` paths.
    fn read_rel(
        &mut self,
        p: &str,
        o: &Origin,
    ) -> Result<(passgraph_model::FileId, std::sync::Arc<str>, TextMap), Fail> {
        let root = self.root.clone();
        let Some(path) = config::normalize_join(&root, p)
            // A file read before was allowed then (and a fork, which has no file source, reads
            // it from the cache).
            .filter(|path| {
                self.readable(path)
                    && (self.extra_files.contains_key(path) || self.source.allows(path))
            })
        else {
            return Err(self.fail(
                Code::Unsupported,
                format!(
                    "file {p:?} lies outside the configuration's module folders; it is not read"
                ),
                o.clone(),
            ));
        };
        let (file, text) = self.read_cached(path).ok_or_else(|| {
            self.fail(
                Code::UnresolvedReference,
                format!("file {p:?} cannot be read"),
                o.clone(),
            )
        })?;
        let map = TextMap::exact(text.len(), file, 0);
        Ok((file, text, map))
    }

    fn read_cached(
        &mut self,
        path: PathBuf,
    ) -> Option<(passgraph_model::FileId, std::sync::Arc<str>)> {
        if let Some(hit) = self.extra_files.get(&path) {
            return hit.clone();
        }
        let r = self.source.read(&path);
        if let Some((f, t)) = &r {
            self.add_text(*f, t);
            self.paths.insert(*f, path.clone());
        }
        self.extra_files.insert(path, r.clone());
        r
    }
}
