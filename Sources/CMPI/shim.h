// Open MPI's handles (MPI_COMM_WORLD, MPI_BYTE, MPI_IN_PLACE, ...) are macros that take the address of a
// global, which Swift cannot import; these inline functions hand them to Swift. Only built with PTRAIN_MPI=1
// (see Package.swift and docs/distributed.md).
#include <mpi.h>

static inline MPI_Comm ptrain_mpi_comm_world(void) { return MPI_COMM_WORLD; }
static inline MPI_Datatype ptrain_mpi_byte(void) { return MPI_BYTE; }
static inline MPI_Datatype ptrain_mpi_int64(void) { return MPI_INT64_T; }
static inline MPI_Op ptrain_mpi_min(void) { return MPI_MIN; }
static inline void *ptrain_mpi_in_place(void) { return MPI_IN_PLACE; }
static inline MPI_Info ptrain_mpi_info_null(void) { return MPI_INFO_NULL; }
static inline MPI_Status *ptrain_mpi_status_ignore(void) { return MPI_STATUS_IGNORE; }
static inline int ptrain_mpi_thread_funneled(void) { return MPI_THREAD_FUNNELED; }
static inline int ptrain_mpi_mode_create_write(void) { return MPI_MODE_CREATE | MPI_MODE_WRONLY; }
static inline int ptrain_mpi_success(void) { return MPI_SUCCESS; }
