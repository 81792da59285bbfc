from typing import Union

import numpy as np
import numpy.typing as npt

ArrayLike = Union[float, npt.ArrayLike]
Angles = Union[float, npt.ArrayLike, tuple]

__version__: str

def zoeppritz_rpp(
    vp1: ArrayLike, vs1: ArrayLike, rho1: ArrayLike,
    vp2: ArrayLike, vs2: ArrayLike, rho2: ArrayLike,
    theta1: Angles = 0, complex: bool = False,
) -> Union[float, complex, np.ndarray]: ...
def akirichards(
    vp1: ArrayLike, vs1: ArrayLike, rho1: ArrayLike,
    vp2: ArrayLike, vs2: ArrayLike, rho2: ArrayLike,
    theta1: Angles = 0,
) -> Union[float, np.ndarray]: ...
def shuey(
    vp1: ArrayLike, vs1: ArrayLike, rho1: ArrayLike,
    vp2: ArrayLike, vs2: ArrayLike, rho2: ArrayLike,
    theta1: Angles = 0, two_terms: bool = False,
) -> Union[float, np.ndarray]: ...

from .las import LASFile as LASFile, LASWarning as LASWarning, read_las as read_las
from .experiments import (
    Config as Config,
    DataWarning as DataWarning,
    Run as Run,
    Table as Table,
    load_config as load_config,
    open_run as open_run,
    resume as resume,
    seeds as seeds,
    sweep as sweep,
    train as train,
)
