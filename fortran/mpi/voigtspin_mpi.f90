!> @file voigtspin_mpi.f90
!> @brief Fortran 2003 bindings of the MPI add-on libvoigtspin_mpi (module `voigtspin_mpi`, library
!>        libvoigtspin_mpi_f; docs/mpi.md, "Fortran"). Since 1.1.
!>
!> The rules of module `voigtspin` hold here too (docs/fortran.md): handles are derived types wrapping
!> a private `type(c_ptr)` with reference semantics and no finaliser; every fallible procedure is a
!> subroutine with a trailing `integer, optional, intent(out) :: stat` (absent: an error prints
!> "libvoigtspin_mpi: <procedure>: <description>: <detail>" on error_unit and executes `error stop 1`);
!> replicas are 1-based (replica r of the module is replica r − 1 of the C API), and so are the planes
!> and sites of the distributed lattice, whose local arrays are shaped (ncomp, local sites) like the
!> (ncomp, nsites) arrays of module voigtspin.
!>
!> The communicator is an INTEGER: a handle of `use mpi` / mpif.h (MPI_COMM_WORLD, or the result of
!> MPI_Comm_split, …), or `comm%MPI_VAL` of `use mpi_f08`. The C side converts it with MPI_Comm_f2c
!> (vs_mpi_sampler_create_f, vs_mpi_lattice_create_f); an integer that is no communicator gives
!> VS_EINVAL. The module itself does not `use mpi`, so it does not
!> depend on the MPI library's Fortran modules: any program initialises MPI itself, before the first
!> call, and finalises it after the last free.
!>
!> The lattice, the coupling, the options and the borrowed per-replica samplers are the handles of
!> module `voigtspin` (vs_lattice_t, vs_coupling_t, vs_lattice_options_t, vs_sampler_options_t,
!> vs_sampler_t). Their C pointer is a private component of that module; this module reads and writes
!> it with TRANSFER on its own mirror types of the same components in the same order (the layout of
!> those types is frozen since their release, docs/fortran.md, "Binary compatibility of the derived
!> types"); the sizes are checked at every use and the tests (tests/mpi/test_fortran_mpi.f90,
!> test_fortran_mpi_lattice.f90) run through them.
module voigtspin_mpi
  use, intrinsic :: iso_c_binding, only: c_int, c_long, c_long_long, c_double, c_char, c_size_t, c_ptr, &
                                         c_null_ptr, c_null_char, c_associated, c_f_pointer, c_loc
  use, intrinsic :: iso_fortran_env, only: error_unit
  use voigtspin, only: vs_lattice_t, vs_sampler_t, vs_sampler_options_t, vs_coupling_t, vs_lattice_options_t, &
                       vs_strerror, vs_lattice_ncomp, vs_lattice_nsites, VS_OK, VS_EINVAL, VS_EUNSUPPORTED, &
                       VS_MESSAGE_LEN
  implicit none
  private

  !> Temperature ladder spread over the ranks of a communicator (mpi.h, vs_mpi_sampler; since 1.1).
  !> The chain equals the serial vs_sampler_t of the same lattice, ladder, seed and options bit for bit,
  !> on any number of ranks. Procedures marked *collective* must be called by every rank.
  type, public :: vs_mpi_sampler_t
    private
    type(c_ptr) :: ptr = c_null_ptr
    integer :: ncomp = 0
    integer(c_size_t) :: nsites = 0
  contains
    procedure :: create => vs_mpi_sampler_create
    procedure :: free => vs_mpi_sampler_free
    procedure :: is_associated => vs_mpi_sampler_is_associated
    procedure :: sweep => vs_mpi_sampler_sweep
    procedure :: measure => vs_mpi_sampler_measure
    procedure :: reset_observables => vs_mpi_sampler_reset_observables
    procedure :: nreplicas => vs_mpi_sampler_nreplicas
    procedure :: local_range => vs_mpi_sampler_local_range
    procedure :: local => vs_mpi_sampler_local
    procedure :: energy => vs_mpi_sampler_energy
    procedure :: spins => vs_mpi_sampler_spins
    procedure :: acceptance => vs_mpi_sampler_acceptance
    procedure :: observable => vs_mpi_sampler_observable
    procedure :: exchange_rate => vs_mpi_sampler_exchange_rate
    procedure :: round_trips => vs_mpi_sampler_round_trips
    procedure :: sweeps => vs_mpi_sampler_sweeps
    procedure :: save => vs_mpi_sampler_save
    procedure :: load => vs_mpi_sampler_load
  end type vs_mpi_sampler_t

  public :: vs_mpi_last_error
  public :: vs_mpi_sampler_create, vs_mpi_sampler_free, vs_mpi_sampler_is_associated, vs_mpi_sampler_sweep, &
            vs_mpi_sampler_measure, vs_mpi_sampler_reset_observables, vs_mpi_sampler_nreplicas, &
            vs_mpi_sampler_local_range, vs_mpi_sampler_local, vs_mpi_sampler_energy, vs_mpi_sampler_spins, &
            vs_mpi_sampler_acceptance, vs_mpi_sampler_observable, vs_mpi_sampler_exchange_rate, &
            vs_mpi_sampler_round_trips, vs_mpi_sampler_sweeps, vs_mpi_sampler_save, vs_mpi_sampler_load

  !> One lattice distributed over the ranks of a communicator in slabs of the first supercell index
  !> (mpi.h, vs_mpi_lattice; FFTW-MPI's slab decomposition; docs/mpi.md, "The distributed lattice").
  !> Each rank holds the sites of its planes: its spins and fields are arrays of shape
  !> (ncomp, local_nsites), columns = the sites first_site, …, first_site + local_nsites − 1 (1-based)
  !> of module voigtspin's global (ncomp, nsites) arrays of the same lattice. Fields and energies equal
  !> those of vs_lattice_t to round-off. Procedures marked *collective* must be called by every rank.
  !> Since 1.1.
  type, public :: vs_mpi_lattice_t
    private
    type(c_ptr) :: ptr = c_null_ptr
    integer :: nc = 0
    integer(c_size_t) :: nloc = 0
  contains
    procedure :: create => vs_mpi_lattice_create
    procedure :: free => vs_mpi_lattice_free
    procedure :: is_associated => vs_mpi_lattice_is_associated
    procedure :: local => vs_mpi_lattice_local
    procedure :: local_nsites => vs_mpi_lattice_local_nsites
    procedure :: nsites => vs_mpi_lattice_nsites
    procedure :: ncomp => vs_mpi_lattice_ncomp
    procedure :: set_uniform => vs_mpi_lattice_set_uniform
    procedure :: set_onsite => vs_mpi_lattice_set_onsite
    procedure :: fields => vs_mpi_lattice_fields
    procedure :: energy => vs_mpi_lattice_energy
    procedure :: energy_from_fields => vs_mpi_lattice_energy_from_fields
  end type vs_mpi_lattice_t

  public :: vs_mpi_lattice_create, vs_mpi_lattice_free, vs_mpi_lattice_is_associated, vs_mpi_lattice_local, &
            vs_mpi_lattice_local_nsites, vs_mpi_lattice_nsites, vs_mpi_lattice_ncomp, vs_mpi_lattice_set_uniform, &
            vs_mpi_lattice_set_onsite, vs_mpi_lattice_fields, vs_mpi_lattice_energy, vs_mpi_lattice_energy_from_fields

  ! Mirrors of module voigtspin's handle types (same components, same order): see the file comment.
  type :: handle_mirror
    type(c_ptr) :: ptr = c_null_ptr
  end type handle_mirror
  type :: sampler_mirror
    type(c_ptr) :: ptr = c_null_ptr
    integer :: ncomp = 0
    integer(c_size_t) :: nsites = 0
  end type sampler_mirror

  interface
    function c_strlen(s) bind(c, name='strlen') result(n)
      import :: c_ptr, c_size_t
      type(c_ptr), value :: s
      integer(c_size_t) :: n
    end function c_strlen

    function c_vs_mpi_last_error() bind(c, name='vs_mpi_last_error') result(p)
      import :: c_ptr
      type(c_ptr) :: p
    end function c_vs_mpi_last_error

    function c_vs_mpi_sampler_create_f(fcomm, lat, nrep, t, seed, opt, out) &
        bind(c, name='vs_mpi_sampler_create_f') result(rc)
      import :: c_int, c_long, c_double, c_ptr
      integer(c_int), value :: fcomm, nrep
      type(c_ptr), value :: lat, opt
      real(c_double), intent(in) :: t(*)
      integer(c_long), value :: seed
      type(c_ptr), intent(out) :: out
      integer(c_int) :: rc
    end function c_vs_mpi_sampler_create_f

    subroutine c_vs_mpi_sampler_free(s) bind(c, name='vs_mpi_sampler_free')
      import :: c_ptr
      type(c_ptr), value :: s
    end subroutine c_vs_mpi_sampler_free

    function c_vs_mpi_sampler_sweep(s, nsweeps) bind(c, name='vs_mpi_sampler_sweep') result(rc)
      import :: c_int, c_long, c_ptr
      type(c_ptr), value :: s
      integer(c_long), value :: nsweeps
      integer(c_int) :: rc
    end function c_vs_mpi_sampler_sweep

    function c_vs_mpi_sampler_measure(s) bind(c, name='vs_mpi_sampler_measure') result(rc)
      import :: c_int, c_ptr
      type(c_ptr), value :: s
      integer(c_int) :: rc
    end function c_vs_mpi_sampler_measure

    function c_vs_mpi_sampler_reset_observables(s) bind(c, name='vs_mpi_sampler_reset_observables') result(rc)
      import :: c_int, c_ptr
      type(c_ptr), value :: s
      integer(c_int) :: rc
    end function c_vs_mpi_sampler_reset_observables

    pure function c_vs_mpi_sampler_nreplicas(s) bind(c, name='vs_mpi_sampler_nreplicas') result(n)
      import :: c_int, c_ptr
      type(c_ptr), value, intent(in) :: s
      integer(c_int) :: n
    end function c_vs_mpi_sampler_nreplicas

    function c_vs_mpi_sampler_local_range(s, first, count) bind(c, name='vs_mpi_sampler_local_range') result(rc)
      import :: c_int, c_ptr
      type(c_ptr), value :: s
      integer(c_int), intent(out) :: first, count
      integer(c_int) :: rc
    end function c_vs_mpi_sampler_local_range

    function c_vs_mpi_sampler_local(s, r, out) bind(c, name='vs_mpi_sampler_local') result(rc)
      import :: c_int, c_ptr
      type(c_ptr), value :: s
      integer(c_int), value :: r
      type(c_ptr), intent(out) :: out
      integer(c_int) :: rc
    end function c_vs_mpi_sampler_local

    function c_vs_mpi_sampler_energy(s, r, e) bind(c, name='vs_mpi_sampler_energy') result(rc)
      import :: c_int, c_double, c_ptr
      type(c_ptr), value :: s
      integer(c_int), value :: r
      real(c_double), intent(out) :: e
      integer(c_int) :: rc
    end function c_vs_mpi_sampler_energy

    function c_vs_mpi_sampler_spins(s, r, out) bind(c, name='vs_mpi_sampler_spins') result(rc)
      import :: c_int, c_double, c_ptr
      type(c_ptr), value :: s
      integer(c_int), value :: r
      real(c_double), intent(inout) :: out(*)
      integer(c_int) :: rc
    end function c_vs_mpi_sampler_spins

    function c_vs_mpi_sampler_acceptance(s, r, rate) bind(c, name='vs_mpi_sampler_acceptance') result(rc)
      import :: c_int, c_double, c_ptr
      type(c_ptr), value :: s
      integer(c_int), value :: r
      real(c_double), intent(out) :: rate
      integer(c_int) :: rc
    end function c_vs_mpi_sampler_acceptance

    function c_vs_mpi_sampler_observable(s, r, key, value, error, tau_int) &
        bind(c, name='vs_mpi_sampler_observable') result(rc)
      import :: c_int, c_double, c_ptr
      type(c_ptr), value :: s
      integer(c_int), value :: r, key
      real(c_double), intent(out) :: value, error, tau_int
      integer(c_int) :: rc
    end function c_vs_mpi_sampler_observable

    function c_vs_mpi_sampler_exchange_rate(s, r, rate) bind(c, name='vs_mpi_sampler_exchange_rate') result(rc)
      import :: c_int, c_double, c_ptr
      type(c_ptr), value :: s
      integer(c_int), value :: r
      real(c_double), intent(out) :: rate
      integer(c_int) :: rc
    end function c_vs_mpi_sampler_exchange_rate

    function c_vs_mpi_sampler_round_trips(s, n) bind(c, name='vs_mpi_sampler_round_trips') result(rc)
      import :: c_int, c_long_long, c_ptr
      type(c_ptr), value :: s
      integer(c_long_long), intent(out) :: n
      integer(c_int) :: rc
    end function c_vs_mpi_sampler_round_trips

    function c_vs_mpi_sampler_sweeps(s, n) bind(c, name='vs_mpi_sampler_sweeps') result(rc)
      import :: c_int, c_long_long, c_ptr
      type(c_ptr), value :: s
      integer(c_long_long), intent(out) :: n
      integer(c_int) :: rc
    end function c_vs_mpi_sampler_sweeps

    function c_vs_mpi_sampler_save(s, path) bind(c, name='vs_mpi_sampler_save') result(rc)
      import :: c_int, c_char, c_ptr
      type(c_ptr), value :: s
      character(kind=c_char), intent(in) :: path(*)
      integer(c_int) :: rc
    end function c_vs_mpi_sampler_save

    function c_vs_mpi_sampler_load(s, path) bind(c, name='vs_mpi_sampler_load') result(rc)
      import :: c_int, c_char, c_ptr
      type(c_ptr), value :: s
      character(kind=c_char), intent(in) :: path(*)
      integer(c_int) :: rc
    end function c_vs_mpi_sampler_load

    ! ---- the distributed lattice (since 1.1). The arrays of the collective calls cross as
    ! type(c_ptr) (c_loc of a contiguous target): a wrapper that finds a wrong shape on its rank still
    ! makes the collective call, with NULL, so that every rank returns VS_EINVAL together instead of
    ! the other ranks waiting for it.
    function c_vs_mpi_lattice_create_f(fcomm, cell, nbasis, frac, l, coupling, ncomp, opt, out) &
        bind(c, name='vs_mpi_lattice_create_f') result(rc)
      import :: c_int, c_double, c_ptr
      integer(c_int), value :: fcomm, nbasis, ncomp
      real(c_double), intent(in) :: cell(*), frac(*)
      integer(c_int), intent(in) :: l(3)
      type(c_ptr), value :: coupling, opt
      type(c_ptr), intent(out) :: out
      integer(c_int) :: rc
    end function c_vs_mpi_lattice_create_f

    subroutine c_vs_mpi_lattice_free(ml) bind(c, name='vs_mpi_lattice_free')
      import :: c_ptr
      type(c_ptr), value :: ml
    end subroutine c_vs_mpi_lattice_free

    function c_vs_mpi_lattice_local(ml, first_plane, nplanes, nsites) bind(c, name='vs_mpi_lattice_local') result(rc)
      import :: c_int, c_size_t, c_ptr
      type(c_ptr), value :: ml
      integer(c_int), intent(out) :: first_plane, nplanes
      integer(c_size_t), intent(out) :: nsites
      integer(c_int) :: rc
    end function c_vs_mpi_lattice_local

    pure function c_vs_mpi_lattice_nsites(ml) bind(c, name='vs_mpi_lattice_nsites') result(n)
      import :: c_size_t, c_ptr
      type(c_ptr), value, intent(in) :: ml
      integer(c_size_t) :: n
    end function c_vs_mpi_lattice_nsites

    pure function c_vs_mpi_lattice_ncomp(ml) bind(c, name='vs_mpi_lattice_ncomp') result(n)
      import :: c_int, c_ptr
      type(c_ptr), value, intent(in) :: ml
      integer(c_int) :: n
    end function c_vs_mpi_lattice_ncomp

    function c_vs_mpi_lattice_set_uniform(ml, u) bind(c, name='vs_mpi_lattice_set_uniform') result(rc)
      import :: c_int, c_ptr
      type(c_ptr), value :: ml, u
      integer(c_int) :: rc
    end function c_vs_mpi_lattice_set_uniform

    function c_vs_mpi_lattice_set_onsite(ml, d) bind(c, name='vs_mpi_lattice_set_onsite') result(rc)
      import :: c_int, c_ptr
      type(c_ptr), value :: ml, d
      integer(c_int) :: rc
    end function c_vs_mpi_lattice_set_onsite

    function c_vs_mpi_lattice_fields(ml, s, h) bind(c, name='vs_mpi_lattice_fields') result(rc)
      import :: c_int, c_ptr
      type(c_ptr), value :: ml, s, h
      integer(c_int) :: rc
    end function c_vs_mpi_lattice_fields

    function c_vs_mpi_lattice_energy(ml, s, e) bind(c, name='vs_mpi_lattice_energy') result(rc)
      import :: c_int, c_double, c_ptr
      type(c_ptr), value :: ml, s
      real(c_double), intent(out) :: e
      integer(c_int) :: rc
    end function c_vs_mpi_lattice_energy

    function c_vs_mpi_lattice_energy_from_fields(ml, s, h, e) bind(c, name='vs_mpi_lattice_energy_from_fields') &
        result(rc)
      import :: c_int, c_double, c_ptr
      type(c_ptr), value :: ml, s, h
      real(c_double), intent(out) :: e
      integer(c_int) :: rc
    end function c_vs_mpi_lattice_energy_from_fields
  end interface

contains

  ! ================================================================================================
  ! Boundary helpers (as in module voigtspin, with the add-on's message)
  ! ================================================================================================

  !> Message of the last failed vs_mpi_* call of this thread, blank-padded to VS_MESSAGE_LEN (use
  !> trim()); "" if none yet. A fixed-length result for the reason given in module voigtspin.
  function vs_mpi_last_error() result(s)
    character(len=VS_MESSAGE_LEN) :: s
    character(kind=c_char), pointer :: chars(:)
    type(c_ptr) :: p
    integer :: i, n
    s = ''
    p = c_vs_mpi_last_error()
    if (.not. c_associated(p)) return
    n = int(min(c_strlen(p), int(VS_MESSAGE_LEN, c_size_t)))
    call c_f_pointer(p, chars, [n])
    do i = 1, n
      s(i:i) = chars(i)
    end do
  end function vs_mpi_last_error

  !> A status into `stat` when present; otherwise, on error, the message on error_unit and
  !> `error stop 1`. `detail` replaces vs_mpi_last_error() for errors found by the wrapper itself.
  subroutine report(rc, where, stat, detail)
    integer(c_int), intent(in) :: rc
    character(len=*), intent(in) :: where
    integer, optional, intent(out) :: stat
    character(len=*), optional, intent(in) :: detail
    character(len=VS_MESSAGE_LEN) :: msg
    if (present(stat)) then
      stat = int(rc)
    else if (rc /= VS_OK) then
      if (present(detail)) then
        msg = detail
      else
        msg = vs_mpi_last_error()
      end if
      if (index(msg, where // ': ') == 1) msg = msg(len(where) + 3:)
      write (error_unit, '(a)') 'libvoigtspin_mpi: ' // where // ': ' // trim(vs_strerror(int(rc))) // ': ' &
                                // trim(msg)
      flush (error_unit)
      error stop 1
    end if
  end subroutine report

  logical function succeeded(rc, where, stat)
    integer(c_int), intent(in) :: rc
    character(len=*), intent(in) :: where
    integer, optional, intent(out) :: stat
    call report(rc, where, stat)
    succeeded = (rc == VS_OK)
  end function succeeded

  !> The C pointer of a handle of module voigtspin with a single type(c_ptr) component (vs_lattice_t,
  !> vs_sampler_options_t, vs_coupling_t, vs_lattice_options_t); ok = .false. when its size is not
  !> that of the mirror. Unlimited polymorphic so that one procedure serves every such handle type;
  !> the callers pass only those types.
  subroutine handle_ptr(h, p, ok)
    class(*), intent(in) :: h
    type(c_ptr), intent(out) :: p
    logical, intent(out) :: ok
    type(handle_mirror) :: m
    p = c_null_ptr
    ok = storage_size(h) == storage_size(m)
    if (.not. ok) return
    m = transfer(h, m)
    p = m%ptr
  end subroutine handle_ptr

  subroutine layout_error(where, stat)
    character(len=*), intent(in) :: where
    integer, optional, intent(out) :: stat
    call report(int(VS_EUNSUPPORTED, c_int), where, stat, &
                'the handle types of module voigtspin do not have the layout this module was built for')
  end subroutine layout_error

  ! ================================================================================================
  ! vs_mpi_sampler (since 1.1)
  ! ================================================================================================

  !> Ladder of size(t) replicas of lat at the strictly increasing temperatures t, spread over the
  !> ranks of the communicator comm (an INTEGER handle: MPI_COMM_WORLD of `use mpi`, or
  !> comm%MPI_VAL of `use mpi_f08`), seeded by seed (its bits are C's unsigned long, as in
  !> vs_sampler_create); opt: options (absent: defaults). Every rank passes its own copy of the same
  !> lattice, which must outlive the handle. Collective (since 1.1).
  subroutine vs_mpi_sampler_create(s, comm, lat, t, seed, opt, stat)
    class(vs_mpi_sampler_t), intent(out) :: s
    integer, intent(in) :: comm
    type(vs_lattice_t), intent(in) :: lat
    real(c_double), intent(in) :: t(:)
    integer(c_long), intent(in) :: seed
    type(vs_sampler_options_t), optional, intent(in) :: opt
    integer, optional, intent(out) :: stat
    type(c_ptr) :: lptr, optr
    logical :: ok
    optr = c_null_ptr
    call handle_ptr(lat, lptr, ok)
    if (ok .and. present(opt)) call handle_ptr(opt, optr, ok)
    if (.not. ok) then
      call layout_error('vs_mpi_sampler_create', stat)
      return
    end if
    if (succeeded(c_vs_mpi_sampler_create_f(int(comm, c_int), lptr, int(size(t), c_int), t, seed, optr, s%ptr), &
                  'vs_mpi_sampler_create', stat)) then
      s%ncomp = vs_lattice_ncomp(lat)
      s%nsites = vs_lattice_nsites(lat)
    end if
  end subroutine vs_mpi_sampler_create

  !> Free the handle and its duplicated communicator, and reset it; harmless on a reset handle.
  !> Collective (since 1.1).
  subroutine vs_mpi_sampler_free(s)
    class(vs_mpi_sampler_t), intent(inout) :: s
    call c_vs_mpi_sampler_free(s%ptr)
    s%ptr = c_null_ptr
    s%ncomp = 0
    s%nsites = 0
  end subroutine vs_mpi_sampler_free

  !> .true. if the handle refers to an object. Local.
  logical function vs_mpi_sampler_is_associated(s)
    class(vs_mpi_sampler_t), intent(in) :: s
    vs_mpi_sampler_is_associated = c_associated(s%ptr)
  end function vs_mpi_sampler_is_associated

  !> Run nsweeps sweeps, each followed by the exchange round of the serial sampler. Collective.
  subroutine vs_mpi_sampler_sweep(s, nsweeps, stat)
    class(vs_mpi_sampler_t), intent(inout) :: s
    integer, intent(in) :: nsweeps
    integer, optional, intent(out) :: stat
    call report(c_vs_mpi_sampler_sweep(s%ptr, int(nsweeps, c_long)), 'vs_mpi_sampler_sweep', stat)
  end subroutine vs_mpi_sampler_sweep

  !> Measure every replica once. Collective.
  subroutine vs_mpi_sampler_measure(s, stat)
    class(vs_mpi_sampler_t), intent(inout) :: s
    integer, optional, intent(out) :: stat
    call report(c_vs_mpi_sampler_measure(s%ptr), 'vs_mpi_sampler_measure', stat)
  end subroutine vs_mpi_sampler_measure

  !> Forget every measurement and the round trips. Collective.
  subroutine vs_mpi_sampler_reset_observables(s, stat)
    class(vs_mpi_sampler_t), intent(inout) :: s
    integer, optional, intent(out) :: stat
    call report(c_vs_mpi_sampler_reset_observables(s%ptr), 'vs_mpi_sampler_reset_observables', stat)
  end subroutine vs_mpi_sampler_reset_observables

  !> Number of replicas in total; 0 for a null handle. Local.
  pure integer function vs_mpi_sampler_nreplicas(s)
    class(vs_mpi_sampler_t), intent(in) :: s
    vs_mpi_sampler_nreplicas = int(c_vs_mpi_sampler_nreplicas(s%ptr))
  end function vs_mpi_sampler_nreplicas

  !> The replicas this rank holds: first, first + 1, …, first + count − 1 (1-based). Local.
  subroutine vs_mpi_sampler_local_range(s, first, count, stat)
    class(vs_mpi_sampler_t), intent(in) :: s
    integer, intent(out) :: first, count
    integer, optional, intent(out) :: stat
    integer(c_int) :: f, n
    if (succeeded(c_vs_mpi_sampler_local_range(s%ptr, f, n), 'vs_mpi_sampler_local_range', stat)) then
      first = int(f) + 1
      count = int(n)
    end if
  end subroutine vs_mpi_sampler_local_range

  !> The one-replica sampler of replica r (1-based) held by this rank, for the read-only queries of
  !> module voigtspin (its slot 1: vs_sampler_spins(rep, 1, …), vs_sampler_observable(rep, 1, …)).
  !> BORROWED: valid until s is freed; never call free on it, nor anything that changes it. Local.
  subroutine vs_mpi_sampler_local(s, r, rep, stat)
    class(vs_mpi_sampler_t), intent(in) :: s
    integer, intent(in) :: r
    type(vs_sampler_t), intent(out) :: rep
    integer, optional, intent(out) :: stat
    type(c_ptr) :: p
    type(sampler_mirror) :: m
    if (storage_size(rep) /= storage_size(m)) then
      call layout_error('vs_mpi_sampler_local', stat)
      return
    end if
    if (succeeded(c_vs_mpi_sampler_local(s%ptr, int(r - 1, c_int), p), 'vs_mpi_sampler_local', stat)) then
      m%ptr = p
      m%ncomp = s%ncomp
      m%nsites = s%nsites
      rep = transfer(m, rep)
    end if
  end subroutine vs_mpi_sampler_local

  !> Energy of replica r (1-based; any replica: its owner broadcasts). Collective.
  subroutine vs_mpi_sampler_energy(s, r, e, stat)
    class(vs_mpi_sampler_t), intent(in) :: s
    integer, intent(in) :: r
    real(c_double), intent(out) :: e
    integer, optional, intent(out) :: stat
    real(c_double) :: v
    if (succeeded(c_vs_mpi_sampler_energy(s%ptr, int(r - 1, c_int), v), 'vs_mpi_sampler_energy', stat)) e = v
  end subroutine vs_mpi_sampler_energy

  !> Spins of replica r (1-based) into spins(ncomp, nsites), on every rank. Collective.
  subroutine vs_mpi_sampler_spins(s, r, spins, stat)
    class(vs_mpi_sampler_t), intent(in) :: s
    integer, intent(in) :: r
    real(c_double), intent(inout) :: spins(:, :)
    integer, optional, intent(out) :: stat
    if (size(spins, 1) /= s%ncomp .or. size(spins, 2, kind=c_size_t) /= s%nsites) then
      call report(int(VS_EINVAL, c_int), 'vs_mpi_sampler_spins', stat, &
                  'spins must have shape (ncomp, nsites) of the lattice')
      return
    end if
    call report(c_vs_mpi_sampler_spins(s%ptr, int(r - 1, c_int), spins), 'vs_mpi_sampler_spins', stat)
  end subroutine vs_mpi_sampler_spins

  !> Single-site acceptance rate of replica r (1-based). Collective.
  subroutine vs_mpi_sampler_acceptance(s, r, rate, stat)
    class(vs_mpi_sampler_t), intent(in) :: s
    integer, intent(in) :: r
    real(c_double), intent(out) :: rate
    integer, optional, intent(out) :: stat
    real(c_double) :: v
    if (succeeded(c_vs_mpi_sampler_acceptance(s%ptr, int(r - 1, c_int), v), 'vs_mpi_sampler_acceptance', &
                  stat)) rate = v
  end subroutine vs_mpi_sampler_acceptance

  !> Estimate, error bar and tau_int of observable key (VS_SAMPLER_OBS_*) at replica r (1-based).
  !> Collective.
  subroutine vs_mpi_sampler_observable(s, r, key, value, error, tau_int, stat)
    class(vs_mpi_sampler_t), intent(in) :: s
    integer, intent(in) :: r
    integer(c_int), intent(in) :: key
    real(c_double), intent(out) :: value
    real(c_double), optional, intent(out) :: error, tau_int
    integer, optional, intent(out) :: stat
    real(c_double) :: v, e, t
    if (succeeded(c_vs_mpi_sampler_observable(s%ptr, int(r - 1, c_int), key, v, e, t), &
                  'vs_mpi_sampler_observable', stat)) then
      value = v
      if (present(error)) error = e
      if (present(tau_int)) tau_int = t
    end if
  end subroutine vs_mpi_sampler_observable

  !> Exchange acceptance rate between replicas r and r + 1 (1-based, r < nreplicas). Local.
  subroutine vs_mpi_sampler_exchange_rate(s, r, rate, stat)
    class(vs_mpi_sampler_t), intent(in) :: s
    integer, intent(in) :: r
    real(c_double), intent(out) :: rate
    integer, optional, intent(out) :: stat
    real(c_double) :: v
    if (succeeded(c_vs_mpi_sampler_exchange_rate(s%ptr, int(r - 1, c_int), v), 'vs_mpi_sampler_exchange_rate', &
                  stat)) rate = v
  end subroutine vs_mpi_sampler_exchange_rate

  !> Parallel-tempering round trips (a 64-bit count). Local.
  subroutine vs_mpi_sampler_round_trips(s, n, stat)
    class(vs_mpi_sampler_t), intent(in) :: s
    integer(c_long_long), intent(out) :: n
    integer, optional, intent(out) :: stat
    integer(c_long_long) :: v
    if (succeeded(c_vs_mpi_sampler_round_trips(s%ptr, v), 'vs_mpi_sampler_round_trips', stat)) n = v
  end subroutine vs_mpi_sampler_round_trips

  !> Sweeps done (restored by load; a 64-bit count). Local.
  subroutine vs_mpi_sampler_sweeps(s, n, stat)
    class(vs_mpi_sampler_t), intent(in) :: s
    integer(c_long_long), intent(out) :: n
    integer, optional, intent(out) :: stat
    integer(c_long_long) :: v
    if (succeeded(c_vs_mpi_sampler_sweeps(s%ptr, v), 'vs_mpi_sampler_sweeps', stat)) n = v
  end subroutine vs_mpi_sampler_sweeps

  !> Checkpoint of the whole ladder: a manifest at path (trailing blanks are not part of the name) and
  !> one file per replica, restartable on any rank count (docs/mpi.md, "Checkpoints"). Collective.
  subroutine vs_mpi_sampler_save(s, path, stat)
    class(vs_mpi_sampler_t), intent(in) :: s
    character(len=*), intent(in) :: path
    integer, optional, intent(out) :: stat
    call report(c_vs_mpi_sampler_save(s%ptr, trim(path) // c_null_char), 'vs_mpi_sampler_save', stat)
  end subroutine vs_mpi_sampler_save

  !> Restore a checkpoint written by vs_mpi_sampler_save (on any rank count); on failure s is
  !> unchanged on every rank. Collective.
  subroutine vs_mpi_sampler_load(s, path, stat)
    class(vs_mpi_sampler_t), intent(inout) :: s
    character(len=*), intent(in) :: path
    integer, optional, intent(out) :: stat
    call report(c_vs_mpi_sampler_load(s%ptr, trim(path) // c_null_char), 'vs_mpi_sampler_load', stat)
  end subroutine vs_mpi_sampler_load

  ! ================================================================================================
  ! vs_mpi_lattice (since 1.1)
  ! ================================================================================================

  !> Distributed lattice: the lattice vs_lattice_create (module voigtspin) builds from cell(:, i) = a_i,
  !> the fractional basis positions frac(3, nbasis), the supercell l(1:3), coupling (absent: none),
  !> ncomp (absent: 0, the coupling's) and opt (absent: defaults), with its sites, spins, fields and
  !> coupling table split over the ranks of comm (an INTEGER handle: MPI_COMM_WORLD of `use mpi`, or
  !> comm%MPI_VAL of `use mpi_f08`) in slabs of the first supercell index. Every rank passes the same
  !> arguments (checked); coupling and opt are only read during the call. An INTEGER that is no
  !> communicator, or MPI_COMM_NULL: VS_EINVAL. Collective. @since 1.1
  subroutine vs_mpi_lattice_create(ml, comm, cell, frac, l, coupling, ncomp, opt, stat)
    class(vs_mpi_lattice_t), intent(out) :: ml
    integer, intent(in) :: comm
    real(c_double), intent(in) :: cell(3, 3), frac(:, :)
    integer, intent(in) :: l(3)
    type(vs_coupling_t), optional, intent(in) :: coupling
    integer, optional, intent(in) :: ncomp
    type(vs_lattice_options_t), optional, intent(in) :: opt
    integer, optional, intent(out) :: stat
    type(c_ptr) :: cptr, optr
    integer(c_int) :: nc, first, nplanes
    integer(c_size_t) :: nloc
    logical :: ok
    cptr = c_null_ptr
    optr = c_null_ptr
    ok = .true.
    if (present(coupling)) call handle_ptr(coupling, cptr, ok)
    if (ok .and. present(opt)) call handle_ptr(opt, optr, ok)
    if (.not. ok) then
      call layout_error('vs_mpi_lattice_create', stat)
      return
    end if
    nc = 0
    if (present(ncomp)) nc = int(ncomp, c_int)
    ! a frac of another leading extent is passed as nbasis = 0, so that the C side refuses it on every
    ! rank together (a local return here would leave the other ranks waiting in the collective call)
    if (size(frac, 1) == 3) then
      if (.not. succeeded(c_vs_mpi_lattice_create_f(int(comm, c_int), cell, int(size(frac, 2), c_int), frac, &
                                                    int(l, c_int), cptr, nc, optr, ml%ptr), &
                          'vs_mpi_lattice_create', stat)) return
    else
      call report(c_vs_mpi_lattice_create_f(int(comm, c_int), cell, 0_c_int, cell, int(l, c_int), cptr, nc, optr, &
                                            ml%ptr), 'vs_mpi_lattice_create', stat, 'frac must have shape (3, nbasis)')
      return
    end if
    if (c_vs_mpi_lattice_local(ml%ptr, first, nplanes, nloc) == VS_OK) then
      ml%nc = int(c_vs_mpi_lattice_ncomp(ml%ptr))
      ml%nloc = nloc
    end if
  end subroutine vs_mpi_lattice_create

  !> Free the handle, its plans and its duplicated communicator, and reset it; harmless on a reset
  !> handle. Collective. @since 1.1
  subroutine vs_mpi_lattice_free(ml)
    class(vs_mpi_lattice_t), intent(inout) :: ml
    call c_vs_mpi_lattice_free(ml%ptr)
    ml%ptr = c_null_ptr
    ml%nc = 0
    ml%nloc = 0
  end subroutine vs_mpi_lattice_free

  !> .true. if the handle refers to an object. Local. @since 1.1
  logical function vs_mpi_lattice_is_associated(ml)
    class(vs_mpi_lattice_t), intent(in) :: ml
    vs_mpi_lattice_is_associated = c_associated(ml%ptr)
  end function vs_mpi_lattice_is_associated

  !> This rank's slab (every output optional): first_plane, …, first_plane + nplanes − 1 of the first
  !> supercell index (1-based; nplanes = 0 on ranks beyond the slab limit), its nsites =
  !> nplanes·l(2)·l(3)·nbasis sites, and first_site: the 1-based global site of its first column, so that
  !> the local arrays are global(:, first_site:first_site + nsites − 1) of module voigtspin's arrays
  !> (first_plane = first_site = 1 when nplanes = 0). Local. @since 1.1
  subroutine vs_mpi_lattice_local(ml, first_plane, nplanes, nsites, first_site, stat)
    class(vs_mpi_lattice_t), intent(in) :: ml
    integer, optional, intent(out) :: first_plane, nplanes
    integer(c_size_t), optional, intent(out) :: nsites, first_site
    integer, optional, intent(out) :: stat
    integer(c_int) :: f, n
    integer(c_size_t) :: ns
    if (.not. succeeded(c_vs_mpi_lattice_local(ml%ptr, f, n, ns), 'vs_mpi_lattice_local', stat)) return
    if (present(first_plane)) first_plane = int(f) + 1
    if (present(nplanes)) nplanes = int(n)
    if (present(nsites)) nsites = ns
    if (present(first_site)) then
      first_site = 1
      if (n > 0) first_site = int(f, c_size_t) * (ns / int(n, c_size_t)) + 1
    end if
  end subroutine vs_mpi_lattice_local

  !> Number of sites this rank holds (the second extent of its spins and fields, kind c_size_t); 0 for
  !> a null handle and on ranks beyond the slab limit. Local. @since 1.1
  pure integer(c_size_t) function vs_mpi_lattice_local_nsites(ml)
    class(vs_mpi_lattice_t), intent(in) :: ml
    vs_mpi_lattice_local_nsites = ml%nloc
  end function vs_mpi_lattice_local_nsites

  !> Global number of sites N = l(1) l(2) l(3) nbasis (kind c_size_t); 0 for a null handle. Local.
  !> @since 1.1
  pure integer(c_size_t) function vs_mpi_lattice_nsites(ml)
    class(vs_mpi_lattice_t), intent(in) :: ml
    vs_mpi_lattice_nsites = c_vs_mpi_lattice_nsites(ml%ptr)
  end function vs_mpi_lattice_nsites

  !> Spin components; 0 for a null handle. Local. @since 1.1
  pure integer function vs_mpi_lattice_ncomp(ml)
    class(vs_mpi_lattice_t), intent(in) :: ml
    vs_mpi_lattice_ncomp = int(c_vs_mpi_lattice_ncomp(ml%ptr))
  end function vs_mpi_lattice_ncomp

  !> Uniform-mode matrix u(ncomp, ncomp) (symmetrised); absent: U = 0. Energy −(E0/2N) MᵀUM. Local:
  !> set the same u on every rank. @since 1.1
  subroutine vs_mpi_lattice_set_uniform(ml, u, stat)
    class(vs_mpi_lattice_t), intent(inout) :: ml
    real(c_double), optional, intent(in) :: u(:, :)
    integer, optional, intent(out) :: stat
    call set_matrix(c_vs_mpi_lattice_set_uniform, ml, u, 'vs_mpi_lattice_set_uniform', stat)
  end subroutine vs_mpi_lattice_set_uniform

  !> On-site matrix d(ncomp, ncomp) (symmetrised); absent: D = 0. Energy −(E0/2) Σ_m s_mᵀ D s_m. Local:
  !> set the same d on every rank. @since 1.1
  subroutine vs_mpi_lattice_set_onsite(ml, d, stat)
    class(vs_mpi_lattice_t), intent(inout) :: ml
    real(c_double), optional, intent(in) :: d(:, :)
    integer, optional, intent(out) :: stat
    call set_matrix(c_vs_mpi_lattice_set_onsite, ml, d, 'vs_mpi_lattice_set_onsite', stat)
  end subroutine vs_mpi_lattice_set_onsite

  !> The setter of U or D: the matrix in C's row-major order (its transpose; the C side symmetrises).
  subroutine set_matrix(setter, ml, mat, where, stat)
    interface
      function setter(ml, m) bind(c) result(rc)
        import :: c_int, c_ptr
        type(c_ptr), value :: ml, m
        integer(c_int) :: rc
      end function setter
    end interface
    class(vs_mpi_lattice_t), intent(inout) :: ml
    real(c_double), optional, intent(in) :: mat(:, :)
    character(len=*), intent(in) :: where
    integer, optional, intent(out) :: stat
    real(c_double), allocatable, target :: buf(:, :)
    if (.not. present(mat) .or. .not. c_associated(ml%ptr)) then
      call report(setter(ml%ptr, c_null_ptr), where, stat)
    else if (size(mat, 1) /= ml%nc .or. size(mat, 2) /= ml%nc) then
      call report(int(VS_EINVAL, c_int), where, stat, 'the matrix must have shape (ncomp, ncomp) of the lattice')
    else
      allocate (buf(ml%nc, ml%nc))
      buf = transpose(mat)
      call report(setter(ml%ptr, c_loc(buf)), where, stat)
    end if
  end subroutine set_matrix

  !> .true. when a (of this rank) has the shape (ncomp, local sites) of the handle.
  logical function slab_shape_ok(ml, a)
    class(vs_mpi_lattice_t), intent(in) :: ml
    real(c_double), intent(in) :: a(:, :)
    slab_shape_ok = size(a, 1) == ml%nc .and. size(a, 2, kind=c_size_t) == ml%nloc
  end function slab_shape_ok

  !> The address the C side gets for a local array of a collective call: c_null_ptr when the shapes
  !> of this rank are wrong (the call then fails on every rank), a dummy's when the rank holds no
  !> sites (c_loc of an empty array is not allowed), the array's otherwise.
  function slab_loc(ml, a, ok, dummy) result(p)
    class(vs_mpi_lattice_t), intent(in) :: ml
    real(c_double), contiguous, target, intent(in) :: a(:, :)
    logical, intent(in) :: ok
    real(c_double), target, intent(in) :: dummy(1)
    type(c_ptr) :: p
    if (.not. ok) then
      p = c_null_ptr
    else if (ml%nloc == 0) then
      p = c_loc(dummy)
    else
      p = c_loc(a)
    end if
  end function slab_loc

  !> The message of a wrong shape on this rank (the call still ran, with NULL, on every rank).
  function shape_detail(what) result(msg)
    character(len=*), intent(in) :: what
    character(len=len(what) + 55) :: msg
    msg = what // ' must have shape (ncomp, local_nsites) of this rank''s slab'
  end function shape_detail

  !> Pair fields h(:, m) = Σ_n T(r_m − r_n) s(:, n) of this rank's sites from this rank's spins
  !> s(ncomp, local_nsites), h of the same shape (not aliasing s): module voigtspin's vs_lattice_fields
  !> of the global configuration, restricted to the slab. A wrong shape on any rank: VS_EINVAL on every
  !> rank. Collective. @since 1.1
  subroutine vs_mpi_lattice_fields(ml, s, h, stat)
    class(vs_mpi_lattice_t), intent(in) :: ml
    real(c_double), contiguous, target, intent(in) :: s(:, :)
    real(c_double), contiguous, target, intent(inout) :: h(:, :)
    integer, optional, intent(out) :: stat
    real(c_double), target :: s0(1), h0(1)
    logical :: ok
    ok = slab_shape_ok(ml, s) .and. slab_shape_ok(ml, h)
    s0 = 0
    if (ok) then
      call report(c_vs_mpi_lattice_fields(ml%ptr, slab_loc(ml, s, ok, s0), slab_loc(ml, h, ok, h0)), &
                  'vs_mpi_lattice_fields', stat)
    else
      call report(c_vs_mpi_lattice_fields(ml%ptr, c_null_ptr, c_null_ptr), 'vs_mpi_lattice_fields', stat, &
                  shape_detail('s and h'))
    end if
  end subroutine vs_mpi_lattice_fields

  !> Global energy (on every rank) of the configuration whose slabs s(ncomp, local_nsites) the ranks
  !> pass: module voigtspin's vs_lattice_energy of the whole configuration. A wrong shape on any rank:
  !> VS_EINVAL on every rank. Collective. @since 1.1
  subroutine vs_mpi_lattice_energy(ml, s, e, stat)
    class(vs_mpi_lattice_t), intent(in) :: ml
    real(c_double), contiguous, target, intent(in) :: s(:, :)
    real(c_double), intent(out) :: e
    integer, optional, intent(out) :: stat
    real(c_double), target :: s0(1)
    real(c_double) :: r
    logical :: ok
    ok = slab_shape_ok(ml, s)
    s0 = 0
    if (ok) then
      if (succeeded(c_vs_mpi_lattice_energy(ml%ptr, slab_loc(ml, s, ok, s0), r), 'vs_mpi_lattice_energy', &
                    stat)) e = r
    else
      call report(c_vs_mpi_lattice_energy(ml%ptr, c_null_ptr, r), 'vs_mpi_lattice_energy', stat, shape_detail('s'))
    end if
  end subroutine vs_mpi_lattice_energy

  !> Global energy (on every rank) from every rank's spins s and fields h (vs_mpi_lattice_fields),
  !> both of shape (ncomp, local_nsites): no transform, one reduction. A wrong shape on any rank:
  !> VS_EINVAL on every rank. Collective. @since 1.1
  subroutine vs_mpi_lattice_energy_from_fields(ml, s, h, e, stat)
    class(vs_mpi_lattice_t), intent(in) :: ml
    real(c_double), contiguous, target, intent(in) :: s(:, :), h(:, :)
    real(c_double), intent(out) :: e
    integer, optional, intent(out) :: stat
    real(c_double), target :: s0(1), h0(1)
    real(c_double) :: r
    logical :: ok
    ok = slab_shape_ok(ml, s) .and. slab_shape_ok(ml, h)
    s0 = 0
    h0 = 0
    if (ok) then
      if (succeeded(c_vs_mpi_lattice_energy_from_fields(ml%ptr, slab_loc(ml, s, ok, s0), slab_loc(ml, h, ok, h0), &
                                                        r), 'vs_mpi_lattice_energy_from_fields', stat)) e = r
    else
      call report(c_vs_mpi_lattice_energy_from_fields(ml%ptr, c_null_ptr, c_null_ptr, r), &
                  'vs_mpi_lattice_energy_from_fields', stat, shape_detail('s and h'))
    end if
  end subroutine vs_mpi_lattice_energy_from_fields

end module voigtspin_mpi
