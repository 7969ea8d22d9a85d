"""A Celery-adjacent worker pool with multiprocessing queues."""

import multiprocessing
import queue
from multiprocessing import JoinableQueue, Queue

from celery import Celery

celery_app = Celery("jobs")

TASKS = multiprocessing.Queue()  # expect: PR110
RESULTS = Queue(maxsize=1000)
ACKS = JoinableQueue()  # expect: PR110
PRIORITY = queue.PriorityQueue(maxsize=-1)  # expect: PR110
BACKLOG_LIMIT = 5000
BACKLOG = queue.Queue(BACKLOG_LIMIT)


def start_pool(size: int) -> list[multiprocessing.Process]:
    procs = [multiprocessing.Process(target=run, args=(TASKS, RESULTS)) for _ in range(size)]
    for p in procs:
        p.start()
    return procs


def run(tasks, results) -> None:
    while True:
        item = tasks.get()
        if item is None:
            break
        results.put(item * 2)


def drain(q: queue.Queue) -> list:
    items = []
    while not q.empty():
        items.append(q.get_nowait())
    return items


def manager_queue():
    manager = multiprocessing.Manager()
    return manager.Queue()  # proxies: not tracked
