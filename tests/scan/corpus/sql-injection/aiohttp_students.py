"""Student records service on aiohttp and aiopg, modelled on DVPWA-style training apps."""

# ruff: noqa: UP031, UP032

from typing import NamedTuple

from aiohttp import web
from aiopg.connection import Connection

routes = web.RouteTableDef()
MAX_PAGE = 100


class Student(NamedTuple):
    id: int
    name: str

    @classmethod
    def from_raw(cls, raw):
        return cls(*raw) if raw else None

    @staticmethod
    async def get(conn: Connection, id_: int):
        async with conn.cursor() as cur:
            await cur.execute("SELECT id, name FROM students WHERE id = %s", (id_,))
            return Student.from_raw(await cur.fetchone())

    @staticmethod
    async def find_by_name(conn: Connection, name: str):
        async with conn.cursor() as cur:
            await cur.execute(  # expect: PR108
                "SELECT id, name FROM students WHERE name = '%s'" % name
            )
            return [Student.from_raw(r) for r in await cur.fetchall()]

    @staticmethod
    async def create(conn: Connection, name: str):
        q = "INSERT INTO students (name) VALUES ('{name}')".format(name=name)
        async with conn.cursor() as cur:
            await cur.execute(q)  # expect: PR108

    @staticmethod
    async def page(conn: Connection, limit: int | None = None, offset: int | None = None):
        q = "SELECT id, name FROM students ORDER BY id"
        params = {}
        if limit is not None:
            q += " LIMIT %(limit)s"
            params["limit"] = min(limit, MAX_PAGE)
        if offset is not None:
            q += " OFFSET %(offset)s"
            params["offset"] = offset
        async with conn.cursor() as cur:
            await cur.execute(q, params)
            return [Student.from_raw(r) for r in await cur.fetchall()]


async def course_marks(conn: Connection, course_id, student_ids):
    id_list = ", ".join(str(s) for s in student_ids)
    async with conn.cursor() as cur:
        await cur.execute(  # expect: PR108
            "SELECT student_id, mark FROM marks WHERE course_id = %s AND student_id IN (%s)"
            % (course_id, id_list)
        )
        return await cur.fetchall()


async def course_marks_safe(conn: Connection, course_id, student_ids):
    async with conn.cursor() as cur:
        await cur.execute(
            "SELECT student_id, mark FROM marks WHERE course_id = %s AND student_id = ANY(%s)",
            (course_id, list(student_ids)),
        )
        return await cur.fetchall()


@routes.get("/students")
async def students(request: web.Request):
    name = request.query.get("name")
    async with request.app["db"].acquire() as conn:
        if name:
            found = await Student.find_by_name(conn, name)
        else:
            found = await Student.page(conn, limit=int(request.query.get("limit", 20)))
    return web.json_response([s._asdict() for s in found])


@routes.post("/students")
async def add_student(request: web.Request):
    data = await request.post()
    async with request.app["db"].acquire() as conn:
        await Student.create(conn, data["name"])
    raise web.HTTPFound("/students")


@routes.post("/evaluations")
async def evaluate(request: web.Request):
    data = await request.post()
    async with request.app["db"].acquire() as conn, conn.cursor() as cur:
        await cur.execute(
            "INSERT INTO evaluations (student_id, course_id, comment) VALUES (%s, %s, %s)",
            (data["student_id"], data["course_id"], data["comment"]),
        )
        await cur.execute(  # expect: PR108
            "UPDATE courses SET last_comment = '"
            + data["comment"]
            + "' WHERE id = "
            + data["course_id"]
        )
    raise web.HTTPFound("/courses")
