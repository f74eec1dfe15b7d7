//! `points.parquet` (cargo feature `parquet`): the rows of `points.csv` as a Parquet file, written
//! from `points.csv` in row groups of [`ROW_GROUP`] rows so memory stays flat. Columns: `point`
//! and `seed` (unsigned 64-bit integers), each parameter (booleans as BOOLEAN, numbers as
//! DOUBLE), and the metric columns (DOUBLE), named as in the CSV.

use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::sync::Arc;

use parquet::basic::{LogicalType, Repetition, Type as PhysicalType};
use parquet::data_type::{BoolType, DoubleType, Int64Type};
use parquet::file::properties::WriterProperties;
use parquet::file::writer::SerializedFileWriter;
use parquet::schema::types::Type;

use super::error::{SweepError, io_err};

/// Rows per row group.
pub const ROW_GROUP: usize = 65_536;

#[derive(Clone, Copy, PartialEq)]
enum Kind {
    UInt,
    Bool,
    Double,
}

enum Column {
    UInt(Vec<i64>),
    Bool(Vec<bool>),
    Double(Vec<f64>),
}

fn fail(path: &Path, e: impl std::fmt::Display) -> SweepError {
    SweepError::Output(crate::output::OutputError::Io {
        path: path.to_path_buf(),
        source: std::io::Error::other(e.to_string()),
    })
}

/// Writes `dir/points.parquet` from `dir/points.csv`, through a temporary sibling renamed into
/// place when complete: a shard writes into its live output directory, and an interrupted write
/// must not leave a truncated file under the final name.
pub fn write(dir: &Path) -> Result<(), SweepError> {
    let csv = dir.join("points.csv");
    let out = dir.join("points.parquet");
    let tmp = dir.join("points.parquet.tmp");
    let mut lines = BufReader::new(File::open(&csv).map_err(io_err(&csv))?).lines();
    let header = lines
        .next()
        .transpose()
        .map_err(io_err(&csv))?
        .unwrap_or_default();
    let names: Vec<String> = header.split(',').map(str::to_string).collect();
    let mut rows: Vec<Vec<String>> = Vec::new();
    let mut kinds: Option<Vec<Kind>> = None;
    let mut writer: Option<SerializedFileWriter<File>> = None;

    let flush = |rows: &mut Vec<Vec<String>>,
                 kinds: &mut Option<Vec<Kind>>,
                 writer: &mut Option<SerializedFileWriter<File>>|
     -> Result<(), SweepError> {
        if rows.is_empty() && writer.is_some() {
            return Ok(());
        }
        // Column types come from the first row group: booleans print as true/false.
        let ks = kinds.get_or_insert_with(|| {
            names
                .iter()
                .enumerate()
                .map(|(c, _)| match c {
                    0 | 1 => Kind::UInt,
                    _ if rows
                        .first()
                        .is_some_and(|r| r[c] == "true" || r[c] == "false") =>
                    {
                        Kind::Bool
                    }
                    _ => Kind::Double,
                })
                .collect()
        });
        if writer.is_none() {
            let fields = names
                .iter()
                .zip(ks.iter())
                .map(|(name, kind)| {
                    let builder = match kind {
                        Kind::UInt => Type::primitive_type_builder(name, PhysicalType::INT64)
                            .with_logical_type(Some(LogicalType::integer(64, false))),
                        Kind::Bool => Type::primitive_type_builder(name, PhysicalType::BOOLEAN),
                        Kind::Double => Type::primitive_type_builder(name, PhysicalType::DOUBLE),
                    };
                    builder
                        .with_repetition(Repetition::REQUIRED)
                        .build()
                        .map(Arc::new)
                })
                .collect::<Result<Vec<_>, _>>()
                .map_err(|e| fail(&out, e))?;
            let schema = Type::group_type_builder("points")
                .with_fields(fields)
                .build()
                .map_err(|e| fail(&out, e))?;
            let props = WriterProperties::builder()
                .set_created_by("partnersim".into())
                .build();
            let file = File::create(&tmp).map_err(io_err(&tmp))?;
            *writer = Some(
                SerializedFileWriter::new(file, Arc::new(schema), Arc::new(props))
                    .map_err(|e| fail(&out, e))?,
            );
        }
        if rows.is_empty() {
            return Ok(());
        }
        let w = writer.as_mut().expect("created above");
        let mut group = w.next_row_group().map_err(|e| fail(&out, e))?;
        for (c, kind) in ks.iter().enumerate() {
            let parse_err = |v: &str| {
                fail(
                    &csv,
                    format!(
                        "`{v}` in column {} is not a {}",
                        names[c],
                        match kind {
                            Kind::UInt => "non-negative integer",
                            Kind::Bool => "boolean",
                            Kind::Double => "number",
                        }
                    ),
                )
            };
            let column = match kind {
                Kind::UInt => Column::UInt(
                    rows.iter()
                        .map(|r| {
                            r[c].parse::<u64>()
                                .map(|v| v as i64)
                                .map_err(|_| parse_err(&r[c]))
                        })
                        .collect::<Result<_, _>>()?,
                ),
                Kind::Bool => Column::Bool(
                    rows.iter()
                        .map(|r| r[c].parse::<bool>().map_err(|_| parse_err(&r[c])))
                        .collect::<Result<_, _>>()?,
                ),
                Kind::Double => Column::Double(
                    rows.iter()
                        .map(|r| r[c].parse::<f64>().map_err(|_| parse_err(&r[c])))
                        .collect::<Result<_, _>>()?,
                ),
            };
            let mut col = group
                .next_column()
                .map_err(|e| fail(&out, e))?
                .ok_or_else(|| fail(&out, "fewer columns than the schema"))?;
            match column {
                Column::UInt(v) => col.typed::<Int64Type>().write_batch(&v, None, None),
                Column::Bool(v) => col.typed::<BoolType>().write_batch(&v, None, None),
                Column::Double(v) => col.typed::<DoubleType>().write_batch(&v, None, None),
            }
            .map_err(|e| fail(&out, e))?;
            col.close().map_err(|e| fail(&out, e))?;
        }
        group.close().map_err(|e| fail(&out, e))?;
        rows.clear();
        Ok(())
    };

    for line in lines {
        let line = line.map_err(io_err(&csv))?;
        let fields: Vec<String> = line.split(',').map(str::to_string).collect();
        if fields.len() != names.len() {
            return Err(fail(
                &csv,
                format!(
                    "a row has {} columns, the header {}",
                    fields.len(),
                    names.len()
                ),
            ));
        }
        rows.push(fields);
        if rows.len() == ROW_GROUP {
            flush(&mut rows, &mut kinds, &mut writer)?;
        }
    }
    flush(&mut rows, &mut kinds, &mut writer)?;
    if let Some(w) = writer {
        w.close().map_err(|e| fail(&out, e))?;
        std::fs::rename(&tmp, &out).map_err(io_err(&out))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use parquet::file::reader::{FileReader, SerializedFileReader};

    #[test]
    fn writes_the_csv_rows() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("points.csv"),
            "point,seed,a.b,c,m_estimate\n0,18446744073709551615,0.5,true,0.25\n1,7,1,false,NaN\n",
        )
        .unwrap();
        write(dir.path()).unwrap();
        assert!(
            !dir.path().join("points.parquet.tmp").exists(),
            "the temporary file was renamed into place"
        );
        let file = File::open(dir.path().join("points.parquet")).unwrap();
        let reader = SerializedFileReader::new(file).unwrap();
        let meta = reader.metadata().file_metadata();
        assert_eq!(meta.num_rows(), 2);
        let cols: Vec<String> = meta
            .schema_descr()
            .columns()
            .iter()
            .map(|c| c.name().to_string())
            .collect();
        assert_eq!(cols, ["point", "seed", "a.b", "c", "m_estimate"]);
        let rows: Vec<String> = reader
            .get_row_iter(None)
            .unwrap()
            .map(|r| r.unwrap().to_string())
            .collect();
        assert!(
            rows[0].contains("seed: 18446744073709551615"),
            "{}",
            rows[0]
        );
        assert!(rows[1].contains("c: false"), "{}", rows[1]);
    }
}
